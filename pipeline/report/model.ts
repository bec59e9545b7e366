import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { PreprocessRecord } from '../contracts/common.ts';
import { BoardData, HorizonData, ParamsData } from '../contracts/stages.ts';
import { ImageRow, SensitivityRow, type WorkerData, workerData } from '../contracts/workers.ts';
import { type StageResult, succeeded } from '../engine/types.ts';
import type { Reference } from '../recipe/schema.ts';
import { calibrationWorker } from '../stages/calibration.ts';
import { evaluateWorker } from '../stages/evaluate.ts';
import { exportWorker } from '../stages/export.ts';
import { hbEvaluateWorker } from '../stages/hb-evaluate.ts';
import { countByStatus, type NodeNameCounts, nodeNamesWorker } from '../stages/node-names.ts';
import { perfWorker } from '../stages/perf.ts';
import { preprocessWorker } from '../stages/preprocess.ts';
import { quantizeWorker } from '../stages/quantize.ts';
import { simplifyWorker } from '../stages/simplify.ts';

/** report.json, schema version 1. Percentages are 0-100. Every number also sits in manifest.json under its stage. */
export interface ReportData {
  schema: 'zooforge-report/1';
  model: string;
  backend: string;
  /** the network input, WxH (null: no preprocessing record) */
  size: string | null;
  categories: number | null;
  params: { total: number | null; millions: number | null; initializers: number | null };
  n: number | null;
  /** images with a label: what float, quant, flips and per_class count (fewer than n when some have none) */
  labelled: number | null;
  /** int8 scored against float's top-1 on all n images, labels or not (top-5: float's top-1 among int8's 5), % */
  int8_vs_float: Accuracy | null;
  /** mean KL(float softmax || int8 softmax) over all n images, nats */
  mean_kl: number | null;
  /** what the int8 model was fed (emulate bpu: the board's input_type_rt path; null: the training input), and for a
   *  lossy path (nv12) int8's agreement with float when fed the training input instead, % */
  input_path: {
    type: string;
    training_input: { agreement: number; mean_output_cosine: number } | null;
  } | null;
  float: Accuracy | null;
  quant: Accuracy | null;
  flips: { float_only: number; quant_only: number; both_right: number; both_wrong: number } | null;
  mcnemar_p: number | null;
  /** float minus int8 Top-1, points, with its 95 % interval (agrees with mcnemar_p; computed in zooforge/evaluation/stats.py) */
  drop: { points: number; lo: number; hi: number } | null;
  agreement: number | null;
  mean_output_cosine: number | null;
  calibration: {
    method: string;
    per_channel: boolean;
    selected: string;
    search: WorkerData<typeof quantizeWorker>['search'];
    /** the calibration pass and the method search, seconds (null: hb_mapper calibrated) */
    search_seconds: number | null;
    samples: number | null;
    /** ort backend: what the int8 model emulates (bpu: the board's arithmetic; host: this machine's fastest), and the
     *  integer types its Q/DQ pairs write */
    emulate: 'bpu' | 'host' | null;
    asymmetric: boolean | null;
    precisions: Record<string, number> | null;
    /** emulate host (or quantize.host_model): what was kept float to make int8 fastest, measured beside fp32 (1 thread) */
    host_speed: WorkerData<typeof quantizeWorker>['host_speed'];
    bias_corrected: boolean | null;
    equalized: number | null;
    /** quantize.host_model: the latency columns timed the emulate host model built beside the bpu one */
    host_model: boolean;
  } | null;
  perf: Perf | null;
  output_similarity: { cosine: number | null; l1: number | null; l2: number | null; chebyshev: number | null } | null;
  nodes: NodeRow[];
  histograms: Histogram[];
  /** per-layer sensitivity ranking (when the sensitivity stage ran) */
  sensitivity: z.infer<typeof SensitivityRow>[];
  per_class: Row<WorkerData<typeof evaluateWorker>['per_class']>[];
  preprocessing: PreprocessRecord | null;
  tools: Record<string, string | null>;
  /** stage -> cache key of the result each number came from */
  provenance: Record<string, string | undefined>;
  /** stages that failed or were skipped in this run: the report is partial */
  incomplete: { stage: string; status: string; reason?: string }[];
  /** evaluation images that could not be decoded (skipped, not counted) */
  skipped_images: string[];
  /** the deployed (fused) form was exported: modules fused, fused vs unfused on the check images */
  reparameterized: { modules: number; max_abs_diff: number; min_cosine: number } | null;
  /** nodes the quantizer left float (float_op_types, run_on_cpu, node_info) and op types ONNX Runtime ran in float */
  kept_float: { nodes: string[]; ops: Record<string, number> } | null;
  /** the recipe's node_info/run_on_cpu names as the node_names stage found them in this export; null: none named */
  node_names: {
    count: NodeNameCounts;
    /** those the run went on without (quantize.unresolved_nodes: drop) */
    dropped: string[];
  } | null;
  /** how many distinct images each step used (calibration duplicates skipped; search samples disjoint from ranges) */
  image_use: {
    calibration: number | null;
    duplicates_skipped: number | null;
    ranges: number | null;
    search_scored_on: number | null;
    export_check: string | null;
    simplify_check: string | null;
  };
  /** flipped and least-similar images with both top-5s; `thumb` is relative to the run folder */
  images: z.infer<typeof ImageRow>[];
  /** published figures to compare with (recipe `reference`, e.g. the zoo's board row) */
  reference: Reference | null;
  /** what a reader would otherwise be misled by (random weights, calibration images evaluated on, timings on a busy
   *  machine): shown first, before any figure */
  banners: string[];
}

/** Recipe facts the report needs beyond the stage results. */
export interface RunFacts {
  /** no pretrained weights, no checkpoint, not an ONNX file: the figures are a random network's */
  randomWeights: boolean;
  /** calibration and evaluation name the same dataset: int8 is scored on images it was calibrated on */
  sameImages: boolean;
}

export interface Accuracy {
  top1: number;
  top5: number;
  top1_ci95: [number, number];
  top5_ci95: [number, number];
}
export interface Perf {
  label: 'host' | 'board';
  /** host: what ran the models (ONNX Runtime or OpenVINO, quantize.host_runtime) */
  runtime?: string;
  cpu: string;
  /** null: not measured (a board log without the figure; fp32 is never timed on the board) */
  cores: number | null;
  single_ms: number | null;
  multi_ms: number | null;
  fps: number | null;
  float_single_ms: number | null;
  speedup: number | null;
  /** host timings: share of the CPU other processes used meanwhile, and whether that made the figures unreliable */
  others_busy_fraction?: number | null;
  busy?: boolean;
}
const NodeRowSchema = z
  .object({
    node: z.string(),
    type: z.string(),
    cosine: z.number(),
    threshold: z.number().nullable(),
    dtype: z.string(),
  })
  .passthrough();
const HistogramSchema = z
  .object({
    node: z.string(),
    tensor: z.string(),
    cosine: z.number(),
    abs_max: z.number(),
    counts: z.array(z.number()),
    range: z.tuple([z.number(), z.number()]),
  })
  .passthrough();
export type NodeRow = z.infer<typeof NodeRowSchema>;
export type Histogram = z.infer<typeof HistogramSchema>;

type Row<T> = T extends (infer R)[] ? R : never;

/** A stage's data, parsed with its contract, when the stage produced outputs in this run. */
function dataOf<T>(r: StageResult | undefined, schema: z.ZodType<T>): T | undefined {
  return r && succeeded(r.status) ? schema.parse(r.data) : undefined;
}

function accuracy(d: { top1: TopK; top5: TopK } | null | undefined): Accuracy | null {
  if (!d) return null;
  return { top1: d.top1.percent, top5: d.top5.percent, top1_ci95: d.top1.ci95, top5_ci95: d.top5.ci95 };
}
type TopK = { percent: number; ci95: [number, number] };

function inputPathOf(p: WorkerData<typeof evaluateWorker>['input_path'] | undefined): ReportData['input_path'] {
  if (!p) return null;
  const t = p.training_input;
  return {
    type: p.type,
    training_input: t ? { agreement: t.agreement.percent, mean_output_cosine: t.mean_output_cosine } : null,
  };
}

/** A JSON output of a stage, read with its contract. */
function readJson<T>(r: StageResult | undefined, output: string, schema: z.ZodType<T>, fallback: T): T {
  const rec = r?.outputs[output];
  return r?.dir && rec && succeeded(r.status)
    ? schema.parse(JSON.parse(readFileSync(join(r.dir, rec.path), 'utf8')))
    : fallback;
}

type QuantData = WorkerData<typeof quantizeWorker>;
type Horizon = z.infer<typeof HorizonData>;

/** How the int8 model was calibrated: the embedded backend's record, or hb_mapper's words from its log. */
function calibrationOf(ort: QuantData | undefined, horizon: Horizon | undefined): ReportData['calibration'] {
  if (ort)
    return {
      method: ort.method,
      per_channel: ort.per_channel,
      selected: ort.selected,
      search: ort.search,
      search_seconds: ort.search_seconds,
      samples: ort.calibrated_on,
      emulate: ort.emulate,
      asymmetric: ort.asymmetric,
      precisions: ort.precisions,
      host_speed: ort.host_speed,
      bias_corrected: ort.bias_corrected,
      equalized: ort.equalized,
      host_model: ort.host_model,
    };
  if (!horizon) return null;
  const hbMethod = horizon.calibration_method ?? 'n/a';
  return {
    method: hbMethod,
    per_channel: hbMethod.includes('per_channel'),
    selected: `Select ${hbMethod} method. (hb_mapper)`,
    search: [],
    search_seconds: null,
    samples: null,
    emulate: null,
    asymmetric: null,
    precisions: null,
    host_speed: null,
    bias_corrected: null,
    equalized: null,
    host_model: false,
  };
}

function nodeNamesOf(n: WorkerData<typeof nodeNamesWorker> | undefined): ReportData['node_names'] {
  if (!n) return null;
  return { count: countByStatus(n.rows), dropped: n.rows.filter((r) => r.status === 'unresolved').map((r) => r.name) };
}

/** Latency and throughput: the board's when one was measured, else this host's. */
function perfOf(
  board: z.infer<typeof BoardData> | undefined,
  pf: WorkerData<typeof perfWorker> | undefined,
): ReportData['perf'] {
  if (board)
    return {
      label: 'board',
      cpu: `${board.host} (DNN ${board.runtime.dnn ?? '?'})`,
      cores: board.multi.threads ?? null,
      single_ms: board.single.average_latency_ms ?? null,
      multi_ms: board.multi.average_latency_ms ?? null,
      fps: board.multi.fps ?? null,
      float_single_ms: null,
      speedup: null,
    };
  if (!pf) return null;
  return {
    label: 'host',
    runtime: pf.host.runtime,
    cpu: pf.host.cpu,
    cores: pf.host.cores,
    single_ms: pf.quant.single.median_ms,
    multi_ms: pf.quant.multi.mean_latency_ms,
    fps: pf.quant.multi.fps,
    float_single_ms: pf.float.single.median_ms,
    speedup: pf.speedup_single,
    others_busy_fraction: pf.machine_load.others_busy_fraction,
    busy: pf.machine_load.busy,
  };
}

/** Float vs int8 output similarity: measured by the embedded backend, or hb_mapper's first output row. */
function similarityOf(ort: QuantData | undefined, horizon: Horizon | undefined): ReportData['output_similarity'] {
  if (ort) return ort.output_similarity;
  const first = horizon?.output_similarity?.[0];
  return first
    ? { cosine: first.cosine ?? null, l1: first.l1 ?? null, l2: first.l2 ?? null, chebyshev: first.chebyshev ?? null }
    : null;
}

export function buildReportData(
  modelName: string,
  backend: string,
  upstream: Record<string, StageResult>,
  tools: Record<string, string | null>,
  reference?: Reference,
  facts: RunFacts = { randomWeights: false, sameImages: false },
): ReportData {
  const pre = dataOf(upstream.preprocess, workerData(preprocessWorker))?.record;
  const params = dataOf(upstream.params, ParamsData);
  const ort = dataOf(upstream.quantize, workerData(quantizeWorker));
  const horizon = dataOf(upstream.horizon, HorizonData);
  const e =
    dataOf(upstream.evaluate, workerData(evaluateWorker)) ?? dataOf(upstream.hb_evaluate, workerData(hbEvaluateWorker));
  const pf = dataOf(upstream.perf, workerData(perfWorker));
  const board = dataOf(upstream.board, BoardData);
  const fused = dataOf(upstream.export, workerData(exportWorker))?.reparameterized;
  const cal = dataOf(upstream.calibration, workerData(calibrationWorker));
  const quantStage = ort ? upstream.quantize : horizon ? upstream.horizon : undefined;
  const data: Omit<ReportData, 'banners'> = {
    schema: 'zooforge-report/1',
    model: modelName,
    backend,
    size: pre ? `${pre.size[0]}x${pre.size[1]}` : null,
    categories: e?.classes ?? null,
    params: {
      total: params?.total ?? null,
      millions: params?.millions ?? null,
      initializers: params?.initializers ?? null,
    },
    n: e?.n ?? null,
    labelled: e?.labelled ?? null,
    int8_vs_float: accuracy(e?.agreement),
    mean_kl: e?.agreement.mean_kl ?? null,
    input_path: inputPathOf(dataOf(upstream.evaluate, workerData(evaluateWorker))?.input_path),
    float: accuracy(e?.float),
    quant: accuracy(e?.quant),
    flips: e?.paired
      ? {
          float_only: e.paired.float_only,
          quant_only: e.paired.quant_only,
          both_right: e.paired.both_right,
          both_wrong: e.paired.both_wrong,
        }
      : null,
    mcnemar_p: e?.paired?.mcnemar_p ?? null,
    drop: e?.paired?.drop_top1 ?? null,
    agreement: e ? e.agreement.top1.percent / 100 : null,
    mean_output_cosine: e?.agreement.mean_output_cosine ?? null,
    calibration: calibrationOf(ort, horizon),
    perf: perfOf(board, pf),
    output_similarity: similarityOf(ort, horizon),
    nodes: readJson(quantStage, 'nodes', z.array(NodeRowSchema), []),
    histograms: readJson(quantStage, 'histograms', z.array(HistogramSchema), []),
    sensitivity: readJson(upstream.sensitivity, 'sensitivity', z.array(SensitivityRow), []),
    per_class: e?.per_class ?? [],
    preprocessing: pre ?? null,
    tools,
    provenance: Object.fromEntries(Object.entries(upstream).map(([id, r]) => [id, r.key])),
    incomplete: Object.values(upstream)
      .filter((r) => r.status === 'failed' || r.status === 'skipped')
      .map((r) => ({ stage: r.id, status: r.status })),
    skipped_images: e?.skipped ?? [],
    reparameterized: fused
      ? { modules: fused.modules, max_abs_diff: fused.max_abs_diff, min_cosine: fused.min_cosine }
      : null,
    image_use: {
      calibration: cal?.distinct ?? null,
      duplicates_skipped: cal?.duplicates ?? null,
      ranges: ort?.calibrated_on ?? null,
      search_scored_on: ort?.scored_on ?? null,
      export_check: dataOf(upstream.export, workerData(exportWorker))?.check.inputs ?? null,
      simplify_check: dataOf(upstream.simplify, workerData(simplifyWorker))?.check.inputs ?? null,
    },
    images: readJson(upstream.evaluate, 'images', z.array(ImageRow), []).map((row) => ({
      ...row,
      thumb: row.thumb && `evaluate/${row.thumb}`,
    })),
    kept_float: ort ? { nodes: ort.excluded_nodes, ops: ort.unquantized_ops } : null,
    node_names: nodeNamesOf(dataOf(upstream.node_names, workerData(nodeNamesWorker))),
    reference: reference ?? null,
  };
  return { ...data, banners: banners(data, facts) };
}

/** One sentence per way the figures could mislead a reader, in the order they matter. */
function banners(d: Omit<ReportData, 'banners'>, facts: RunFacts): string[] {
  const said: string[] = [];
  if (facts.randomWeights)
    said.push(
      `Random weights (model.pretrained: false, no checkpoint): these accuracies are an untrained network's${d.reference ? ", not comparable with the reference figures beside them, which are the trained model's" : ''}; the parameter count, graph and timings still hold.`,
    );
  if (facts.sameImages && d.int8_vs_float)
    said.push(
      'Calibration and evaluation use the same dataset: int8 is scored on images it was calibrated on, so its accuracy and agreement may be optimistic.',
    );
  const busy = d.perf?.busy && d.perf.others_busy_fraction;
  if (busy)
    said.push(
      `Timed on a busy machine (other processes used ${Math.round(busy * 100)} % of the CPU meanwhile): the latency and FPS figures are not this machine's (not cached; re-run on an idle machine).`,
    );
  return said;
}
