import { rayRunWorker } from '../contracts/cluster.ts';
import type { WorkerContract } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { UserInputError } from '../errors.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import { boardStage } from './board.ts';
import { calibrationStage } from './calibration.ts';
import { evaluateStage } from './evaluate.ts';
import { exportStage } from './export.ts';
import { hbEvaluateStage } from './hb-evaluate.ts';
import { horizonStage } from './horizon.ts';
import { mapperConfigStage } from './mapper-config.ts';
import { nodeNamesStage } from './node-names.ts';
import { STAGE_ORDER } from './order.ts';
import { paramsStage } from './params.ts';
import { perfStage } from './perf.ts';
import { preprocessStage } from './preprocess.ts';
import { quantizeStage } from './quantize.ts';
import { reportStage } from './report.ts';
import { sensitivityStage, tuneStage } from './sensitivity.ts';
import { simplifyStage } from './simplify.ts';

/** The pipeline, in order: the one list of stages (a stage only reads stages before it). `npm run contracts`
 *  writes its ids to order.ts, which --help and --until read without loading any stage. */
export const STAGES: readonly Stage[] = [
  preprocessStage,
  exportStage,
  simplifyStage,
  nodeNamesStage,
  paramsStage,
  calibrationStage,
  quantizeStage,
  mapperConfigStage,
  horizonStage,
  boardStage,
  evaluateStage,
  hbEvaluateStage,
  perfStage,
  sensitivityStage,
  tuneStage,
  reportStage,
];

/** Every Python worker: each worker stage's (its contract is declared beside it) and the Ray driver of sweep and
 *  zoo run, which is not a stage. */
export const WORKERS: readonly WorkerContract[] = [
  ...STAGES.flatMap((stage) => (stage.worker ? [stage.worker] : [])),
  rayRunWorker,
];

export const STAGE_IDS: readonly string[] = STAGE_ORDER;

function checkId(id: string, flag: string): void {
  if (!STAGE_IDS.includes(id))
    throw new UserInputError(`${flag} ${id}: no such stage (stages: ${STAGE_IDS.join(', ')})`);
}

/** Stages up to and including `until`. */
export function selectStages(until?: string, force: readonly string[] = []): readonly Stage[] {
  for (const f of force) checkId(f, '--force');
  if (!until) return STAGES;
  checkId(until, '--until');
  return STAGES.slice(0, STAGE_IDS.indexOf(until) + 1);
}

/** `target` and every stage it reads from, directly or through another, in pipeline order: what a command that wants
 *  one stage's output runs, and no more (the file inputs say it; a stage only reads stages before it). */
export async function stagesFeeding(target: string, loaded: LoadedRecipe): Promise<Stage[]> {
  checkId(target, 'stage');
  const needed = new Set([target]);
  for (const stage of [...STAGES].reverse()) {
    if (!needed.has(stage.id) || stage.disabledBecause?.(loaded)) continue; // an off stage's inputs are never read
    const { files } = await stage.inputs({ loaded });
    for (const input of Object.values(files)) if ('stage' in input) needed.add(input.stage);
  }
  return STAGES.filter((stage) => needed.has(stage.id));
}
