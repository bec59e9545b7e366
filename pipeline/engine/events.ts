import type { StageStatus } from './types.ts';

export interface PlannedStage {
  id: string;
  title: string;
  action: 'cached' | 'run' | 'disabled' | 'skipped';
  /** "cached (key 3fa2…)", "runs because quantize.calibration_type changed", ... */
  reason: string;
  key?: string;
}

/** Everything a reporter can see. The engine knows nothing about terminals. */
export type EngineEvent =
  | { type: 'plan'; stages: PlannedStage[] }
  | { type: 'stage-start'; id: string; title: string; reason: string }
  | { type: 'stage-progress'; id: string; message: string; done?: number; total?: number }
  | { type: 'stage-warning'; id: string; message: string }
  | {
      type: 'stage-end';
      id: string;
      status: StageStatus;
      durationMs: number;
      key?: string;
      error?: string;
      detail?: string;
    }
  /** kept: where the folder's previous complete run now is (complete/<variant>/), when this run did not replace it */
  | {
      type: 'run-end';
      status: 'passed' | 'failed' | 'interrupted';
      manifest: string;
      durationMs: number;
      kept?: string;
    };

export type EventSink = (event: EngineEvent) => void;
