import type { Stage } from '../engine/types.ts';
import { UserInputError } from '../errors.ts';
import { boardStage } from './board.ts';
import { calibrationStage } from './calibration.ts';
import { evaluateStage } from './evaluate.ts';
import { exportStage } from './export.ts';
import { hbEvaluateStage } from './hb-evaluate.ts';
import { horizonStage } from './horizon.ts';
import { mapperConfigStage } from './mapper-config.ts';
import { paramsStage } from './params.ts';
import { perfStage } from './perf.ts';
import { quantizeStage } from './quantize.ts';
import { reportStage } from './report.ts';
import { sensitivityStage, tuneStage } from './sensitivity.ts';
import { simplifyStage } from './simplify.ts';

/** The explicit, ordered registry: a stage only reads stages listed before it. */
export const STAGES: readonly Stage[] = [
  exportStage, simplifyStage, paramsStage, calibrationStage, quantizeStage, mapperConfigStage, horizonStage, boardStage, evaluateStage, hbEvaluateStage, perfStage, sensitivityStage, tuneStage, reportStage,
];

export const STAGE_IDS = STAGES.map((s) => s.id);

function checkId(id: string, flag: string): void {
  if (!STAGE_IDS.includes(id)) throw new UserInputError(`${flag} ${id}: no such stage (stages: ${STAGE_IDS.join(', ')})`);
}

/** Stages up to and including `until`. */
export function selectStages(until?: string, force: readonly string[] = []): readonly Stage[] {
  for (const f of force) checkId(f, '--force');
  if (!until) return STAGES;
  checkId(until, '--until');
  return STAGES.slice(0, STAGE_IDS.indexOf(until) + 1);
}
