// Generated from STAGES in pipeline/stages/index.ts (npm run contracts); a unit test checks it is current.
/** The pipeline's stage ids in order: --help and --until read them without loading any stage. */
export const STAGE_ORDER = [
  'preprocess',
  'export',
  'simplify',
  'node_names',
  'params',
  'calibration',
  'quantize',
  'mapper_config',
  'horizon',
  'board',
  'evaluate',
  'hb_evaluate',
  'perf',
  'sensitivity',
  'tune',
  'report',
] as const;

export type StageId = (typeof STAGE_ORDER)[number];
