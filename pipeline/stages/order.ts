/** The pipeline's stage order, as a plain list (help text and --until checks read it without loading the stages;
 *  stages/index.ts builds the registry from it, so the two cannot disagree). A stage only reads stages before it. */
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
