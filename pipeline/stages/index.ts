import type { Stage } from '../engine/types.ts';
import { UserInputError } from '../errors.ts';
import { boardStage } from './board.ts';
import { calibrationStage } from './calibration.ts';
import { evaluateStage } from './evaluate.ts';
import { exportStage } from './export.ts';
import { hbEvaluateStage } from './hb-evaluate.ts';
import { horizonStage } from './horizon.ts';
import { mapperConfigStage } from './mapper-config.ts';
import { nodeNamesStage } from './node-names.ts';
import { STAGE_ORDER, type StageId } from './order.ts';
import { paramsStage } from './params.ts';
import { perfStage } from './perf.ts';
import { preprocessStage } from './preprocess.ts';
import { quantizeStage } from './quantize.ts';
import { reportStage } from './report.ts';
import { sensitivityStage, tuneStage } from './sensitivity.ts';
import { simplifyStage } from './simplify.ts';

const BY_ID: Record<StageId, Stage> = {
  preprocess: preprocessStage,
  export: exportStage,
  simplify: simplifyStage,
  node_names: nodeNamesStage,
  params: paramsStage,
  calibration: calibrationStage,
  quantize: quantizeStage,
  mapper_config: mapperConfigStage,
  horizon: horizonStage,
  board: boardStage,
  evaluate: evaluateStage,
  hb_evaluate: hbEvaluateStage,
  perf: perfStage,
  sensitivity: sensitivityStage,
  tune: tuneStage,
  report: reportStage,
};

/** The explicit, ordered registry (order from STAGE_ORDER). */
export const STAGES: readonly Stage[] = STAGE_ORDER.map((id) => {
  if (BY_ID[id].id !== id) throw new Error(`stage registry: ${id} holds stage ${BY_ID[id].id}`);
  return BY_ID[id];
});

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
