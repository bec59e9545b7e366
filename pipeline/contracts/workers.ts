import { z } from 'zod';
import { BACKENDS } from '../recipe/backends.ts';
import { PreprocessSchema, WorkerDatasetSchema } from '../recipe/dataset-schema.ts';
import { HostPlacement, QuantizeSchema } from '../recipe/quantize-schema.ts';
import {
  CalibrationSchema,
  EvaluateSchema,
  ExportSchema,
  InputSchema,
  ModelSchema,
  SimplifySchema,
} from '../recipe/schema.ts';
import { ray } from './cluster.ts';
import { ModelCheck, NoOutputs, Outputs, PairedMetrics, PreprocessRecord, TopK, WorkDir } from './common.ts';

/** One contract per Python worker: its input (exactly the keyed slice of the recipe, with resolved paths) and its
 *  output. TypeScript checks both sides with these; scripts/zf/contracts/<worker>.json is generated from them and
 *  the Python side checks both sides with that (zf/protocol.py). Nothing about a worker's data is cast anywhere. */

const path = z.string();
const count = z.number().int();
const counts = z.record(z.string(), count);

export const preprocess = {
  input: z
    .object({
      ...WorkDir,
      model: z.object({ source: ModelSchema.shape.source, onnx_file: path.optional() }).strict(),
      input: InputSchema,
      preprocess: PreprocessSchema,
    })
    .strict(),
  output: z.object({ record: PreprocessRecord, outputs: Outputs('record') }).strict(),
};

export const exportModel = {
  input: z
    .object({
      ...WorkDir,
      model: ModelSchema.extend({ checkpoint: path.optional() }),
      preprocess: path,
      export: ExportSchema,
      check_dataset: WorkerDatasetSchema.optional(),
    })
    .strict(),
  output: z
    .object({
      check: ModelCheck.partial()
        .extend({ inputs: z.string(), runs_in_onnxruntime: z.boolean().optional(), finite: z.boolean().optional() })
        .strict(),
      weights: z.enum(['pretrained', 'random', 'checkpoint', 'onnx file']),
      randomized_batchnorm_layers: count.optional(),
      /** the fused (deployed) form was exported: how many modules fused, and fused vs unfused on the check images */
      reparameterized: ModelCheck.omit({ inputs: true }).extend({ modules: count }).strict().nullable().optional(),
      torch_parameters: count.optional(),
      opset: count.nullable(),
      outputs: Outputs('model'),
    })
    .strict(),
};

export const simplify = {
  input: z
    .object({
      ...WorkDir,
      model: path,
      preprocess: path,
      simplify: SimplifySchema,
      check_dataset: WorkerDatasetSchema.optional(),
    })
    .strict(),
  output: z
    .object({
      check: ModelCheck,
      nodes_before: count,
      nodes_after: count,
      ops_before: counts,
      ops_after: counts,
      outputs: Outputs('model'),
    })
    .strict(),
};

export const NodeNameRow = z
  .object({
    name: z.string(),
    status: z.enum(['exact', 'hb_mapper', 'translated', 'unresolved']),
    node: z.string().nullable().describe('our graph node it means: what the int8 emulation quantizes'),
    hb_name: z.string().nullable().describe('the name hb_mapper is given for it'),
    how: z.string(),
    nearest: z.array(z.string()),
  })
  .strict();

export const nodeNames = {
  input: z
    .object({
      ...WorkDir,
      model: path,
      exported: path.describe('the export before onnxsim (to say when onnxsim removed a name)'),
      node_info: z.array(z.string()),
      run_on_cpu: z.array(z.string()),
      timm: z.string().nullable().describe('the timm model, whose mapping of original checkpoints translates names'),
    })
    .strict(),
  output: z
    .object({
      rows: z.array(NodeNameRow),
      count: z.object({ exact: count, hb_mapper: count, translated: count, unresolved: count }).strict(),
      outputs: Outputs('resolved'),
    })
    .strict(),
};

export const calibration = {
  input: z
    .object({
      ...WorkDir,
      preprocess: path,
      calibration: CalibrationSchema,
      dataset: WorkerDatasetSchema,
      hb_dir: z.string().regex(/^[\w.-]+$/),
    })
    .strict(),
  output: z
    .object({
      count,
      distinct: count,
      duplicates: count,
      skipped: z.array(z.string()),
      dataset: z.string(),
      classes_covered: count,
      outputs: Outputs('tensors', 'selection', 'hb_calibration'),
    })
    .strict(),
};

const SearchRow = z
  .object({
    method: z.string(),
    per_channel: z.boolean(),
    asymmetric: z.boolean(),
    output_cosine: z.number().nullable(),
  })
  .strict();
/** The kind of int8 model (calibration/scheme.py): sensitivity and tune rebuild the same. */
const QuantScheme = z
  .object({
    emulate: z.enum(['bpu', 'host']),
    activations: z.enum(['int8', 'uint8']),
    symmetric: z.boolean(),
    int16_tensors: z.array(z.string()),
    all_int16: z.boolean(),
  })
  .strict();
const Similarity = z.object({ cosine: z.number(), l1: z.number(), l2: z.number(), chebyshev: z.number() }).strict();

export const quantize = {
  input: z
    .object({
      ...WorkDir,
      model: path,
      calibration: path,
      preprocess: path,
      /** emulate bpu: calibrate and score on what the board feeds (as hb_mapper converts its calibration data) */
      input_type_rt: z.string().nullable(),
      quantize: QuantizeSchema.unwrap()
        .pick({
          max_percentile: true,
          per_channel: true,
          search_samples: true,
          run_on_cpu: true,
          node_info: true,
          emulate: true,
          optimization: true,
          equalize: true,
          host_model: true,
        })
        .extend({
          calibration_type: z.enum(BACKENDS.ort.calibration_types),
          float_op_types: z.array(z.string()).nullable(),
          host_placement: HostPlacement.nullable(),
        })
        .strict(),
    })
    .strict(),
  output: z
    .object({
      emulate: z.enum(['bpu', 'host']),
      method: z.string(),
      per_channel: z.boolean(),
      asymmetric: z.boolean(),
      selected: z.string(),
      search: z.array(SearchRow),
      scored_on: count,
      /** seconds spent in the calibration pass and the method search (the float placement measurement included) */
      search_seconds: z.number().nonnegative(),
      /** optimization: bias_correction applied (Conv/Gemm biases absorb their int8 weights' mean error) */
      bias_corrected: z.boolean(),
      /** quantize.equalize: how many Conv -> Relu -> Conv chains were equalized (null: not asked) */
      equalized: count.nullable(),
      /** quantize.host_model: the emulate host model was built beside the bpu one (outputs.host_model; host_speed is its placement) */
      host_model: z.boolean(),
      opset_note: z.string().nullable(),
      calibrated_on: count,
      tensors: count,
      qdq_nodes: z.object({ QuantizeLinear: count, DequantizeLinear: count }).strict(),
      /** QuantizeLinear nodes per integer type written (int8, uint8, int16). */
      precisions: counts,
      scheme: QuantScheme,
      /** The op types kept float, and under emulate host (float_op_types unset) how that was measured: 1-thread medians. */
      float_op_types: z.array(z.string()),
      /** regrouped: grouped conv -> the (smaller) group count the int8 model gives it, block-diagonal weights (zf/regroup.py) */
      host_speed: z
        .object({
          chosen: z.array(z.string()),
          float_nodes: z.array(z.string()),
          regrouped: z.record(z.string(), count),
          label: z.string(),
          fp32_ms: z.number(),
          int8_ms: z.number(),
          /** why this placement: timing (only on a clear margin), the candidates' order, or the recipe's pin */
          decided_by: z.string(),
          /** the other placements whose time was within the margin of the kept one's (the choice was close) */
          close: z.array(z.string()),
          tried: z.array(
            z
              .object({
                label: z.string(),
                float_op_types: z.array(z.string()),
                float_nodes: count,
                regrouped: count,
                int8_ms: z.number(),
              })
              .strict(),
          ),
        })
        .strict()
        .nullable(),
      excluded_nodes: z.array(z.string()),
      warnings: z.array(z.string()),
      unquantized_ops: counts,
      output_similarity: Similarity,
      worst_nodes: z.array(
        z
          .object({
            node: z.string(),
            tensor: z.string(),
            type: z.string(),
            cosine: z.number(),
            threshold: z.number().nullable(),
            dtype: z.string(),
          })
          .strict(),
      ),
      outputs: Outputs('model', 'calibration_table', 'nodes', 'histograms', 'summary').extend({
        host_model: z.string().optional(),
      }),
    })
    .strict(),
};

const evaluation = {
  limit: EvaluateSchema.unwrap().shape.limit,
  sampling: EvaluateSchema.unwrap().shape.sampling,
  batch_size: EvaluateSchema.unwrap().shape.batch_size,
};

export const evaluate = {
  input: z
    .object({
      ...WorkDir,
      float_model: path,
      quant_model: path,
      preprocess: path,
      dataset: WorkerDatasetSchema,
      ...evaluation,
      /** what the board feeds the int8 model (emulate bpu; zf/hb_input.py board_pixels); null: the training input */
      input_type_rt: z.string().nullable(),
    })
    .strict(),
  output: PairedMetrics.extend({
    /** null unless input_type_rt was set; training_input: int8 fed the training input instead (lossy paths only) */
    input_path: z
      .object({
        type: z.string(),
        training_input: z.object({ agreement: TopK, mean_output_cosine: z.number() }).strict().nullable(),
      })
      .strict()
      .nullable(),
    images_per_s: z.number(),
    batch: z.object({ float: count, quant: count }).strict(),
    outputs: Outputs('predictions', 'images', 'thumbs'),
  }).strict(),
};

export const hbEvaluate = {
  // evaluate's input, plus the input type the board's model takes (the Horizon model is fed that)
  input: evaluate.input.extend({ input_type_rt: z.string() }).strict(),
  output: PairedMetrics.extend({ quant_runtime: z.string(), outputs: NoOutputs }).strict(),
};

const Latency = z.object({ median_ms: z.number(), p90_ms: z.number(), runs: count }).strict();
const Throughput = z.object({ threads: count, fps: z.number(), mean_latency_ms: z.number() }).strict();
const Timings = z.object({ single: Latency, multi: Throughput }).strict();

export const perf = {
  input: z.object({ ...WorkDir, float_model: path, quant_model: path, preprocess: path, runs: count }).strict(),
  output: z
    .object({
      host: z.object({ cpu: z.string(), cores: count, onnxruntime_provider: z.string() }).strict(),
      float: Timings,
      quant: Timings,
      speedup_single: z.number(),
      machine_load: z
        .object({
          others_busy_fraction: z.number().nullable(),
          loadavg_1m: z.number(),
          busy: z.boolean(),
          measured: z.boolean(),
        })
        .strict(),
      outputs: NoOutputs,
    })
    .strict(),
};

const Guess = z.object({ class: count, name: z.string(), p: z.number() }).strict();
/** One image the report shows (evaluate's images.json): flipped either way, or among the least similar outputs. */
export const ImageRow = z
  .object({
    file: z.string(),
    kind: z.string(),
    /** null: the image has no label */ label: count.nullable(),
    label_name: z.string().nullable(),
    cosine: z.number(),
    float_top5: z.array(Guess),
    quant_top5: z.array(Guess),
    /** null past the first 100: listed, not pictured */ thumb: z.string().nullable(),
  })
  .strict();

export const SensitivityRow = z
  .object({
    node: z.string(),
    type: z.string(),
    single_top1_drop: z.number(),
    single_cosine: z.number(),
    single_sqnr_db: z.number().nullable(),
    entire_cosine: z.number(),
    rank: count,
  })
  .strict();

const subsetInput = {
  ...WorkDir,
  model: path,
  preprocess: path,
  calibration_table: path,
  nodes: path,
  quantize_summary: path,
  dataset: WorkerDatasetSchema,
  subset: count,
};

export const sensitivity = {
  input: z.object({ ...subsetInput, budget_s: z.number() }).strict(),
  output: z
    .object({
      subset: count,
      float_top1: z.number(),
      int8_top1: z.number(),
      int8_drop: z.number(),
      measured: count,
      unmeasured: z.array(z.string()),
      seconds: z.number(),
      top: z.array(SensitivityRow),
      outputs: Outputs('sensitivity'),
    })
    .strict(),
};

const TuneStep = z
  .object({
    nodes_changed: count,
    node: z.string().nullable(),
    top1: z.number(),
    drop: z.number(),
    latency_ms: z.number(),
  })
  .strict();

export const tune = {
  input: z.object({ ...subsetInput, sensitivity: path, max_drop: z.number(), max_nodes: count }).strict(),
  output: z
    .object({
      met: z.boolean(),
      precision: z.enum(['int16', 'float']),
      quantized_nodes: count,
      max_drop: z.number(),
      nodes: z.array(z.string()),
      float_top1: z.number(),
      subset: count,
      steps: z.array(TuneStep),
      best: TuneStep,
      outputs: Outputs('steps'),
    })
    .strict(),
};

/** Every worker and its contract, by its one name: the stage it serves and its module under scripts/workers (run as
 *  `python -m workers.<name>`); ray_run is the Ray driver of sweep and zoo run, not a stage. */
export const WORKERS = {
  preprocess,
  export: exportModel,
  simplify,
  node_names: nodeNames,
  calibration,
  quantize,
  evaluate,
  hb_evaluate: hbEvaluate,
  perf,
  sensitivity,
  tune,
  ray_run: ray,
} as const;

export type WorkerName = keyof typeof WORKERS;
/** The workers a stage runs (each answers with `outputs`); the Ray driver is run by the batch runner. */
export type StageWorkerName = Exclude<WorkerName, 'ray_run'>;
export type WorkerInput<W extends WorkerName> = z.input<(typeof WORKERS)[W]['input']>;
export type WorkerOutput<W extends WorkerName> = z.infer<(typeof WORKERS)[W]['output']>;
/** What a stage keeps of its worker's answer: everything but `outputs`. */
export type WorkerData<W extends StageWorkerName> = Omit<WorkerOutput<W>, 'outputs'>;

/** The data later readers (report, commands) parse a worker stage's result with: its output without `outputs`. */
export const WORKER_DATA = Object.fromEntries(
  Object.entries(WORKERS)
    .filter(([name]) => name !== 'ray_run')
    .map(([name, w]) => [name, (w.output as z.ZodObject<{ outputs: z.ZodType }>).omit({ outputs: true })]),
) as unknown as { [W in StageWorkerName]: z.ZodType<WorkerData<W>> };
