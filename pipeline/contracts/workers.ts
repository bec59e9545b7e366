import { z } from 'zod';
import { WorkerDatasetSchema } from '../recipe/dataset-schema.ts';
import { EvaluateSchema } from '../recipe/schema.ts';
import { WorkDir } from './common.ts';

/** A Python worker's contract: its one name (its stage's id, its module scripts/workers/<name>.py, its generated
 *  scripts/src/zooforge/protocol/contracts/<name>.json), its input (exactly the keyed slice of the recipe, with resolved paths) and its
 *  output. TypeScript checks both sides with it; the Python side checks both with the generated JSON Schema
 *  (zooforge/protocol/worker.py). Nothing about a worker's data is cast anywhere. Each stage declares its worker's contract beside
 *  the stage; what several workers share is below. */
export interface WorkerContract<
  N extends string = string,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  name: N;
  input: I;
  output: O;
}

export function worker<N extends string, I extends z.ZodType, O extends z.ZodObject>(
  name: N,
  contract: { input: I; output: O },
): WorkerContract<N, I, O> {
  return { name, ...contract };
}

export type WorkerInput<W extends WorkerContract> = z.input<W['input']>;
export type WorkerOutput<W extends WorkerContract> = z.infer<W['output']>;
/** What a stage keeps of its worker's answer: everything but `outputs`. */
export type WorkerData<W extends WorkerContract> = Omit<WorkerOutput<W>, 'outputs'>;

/** The schema later readers (report, commands) parse a worker stage's result with: its output without `outputs`. */
export function workerData<W extends WorkerContract<string, z.ZodType, z.ZodObject>>(w: W): z.ZodType<WorkerData<W>> {
  return (w.output as z.ZodObject).omit({ outputs: true }) as unknown as z.ZodType<WorkerData<W>>;
}

export const FilePath = z.string();
export const Count = z.number().int();
export const Counts = z.record(z.string(), Count);
/** What a worker that runs the float and int8 models side by side is handed: both, and the preprocessing record. */
export const ModelPair = {
  ...WorkDir,
  float_model: FilePath,
  quant_model: FilePath,
  preprocess: FilePath,
};

/** How a recipe's node name landed in our graph (scripts/src/zooforge/model/node_names.py says each). */
export const NodeNameStatus = z.enum(['exact', 'hb_mapper', 'translated', 'unresolved']);

export const NodeNameRow = z
  .object({
    name: z.string(),
    status: NodeNameStatus,
    node: z.string().nullable().describe('our graph node it means: what the int8 emulation quantizes'),
    hb_name: z.string().nullable().describe('the name hb_mapper is given for it'),
    how: z.string(),
    nearest: z.array(z.string()),
  })
  .strict();

export const SearchRow = z
  .object({
    method: z.string(),
    per_channel: z.boolean(),
    asymmetric: z.boolean(),
    output_cosine: z.number().nullable(),
    /** the search images it was scored on: all of them, or fewer when the race dropped it (calibration/search.py) */
    scored_on: Count,
  })
  .strict();
/** The kind of int8 model (calibration/scheme.py): sensitivity and tune rebuild the same. */
export const QuantScheme = z
  .object({
    emulate: z.enum(['bpu', 'host']),
    activations: z.enum(['int8', 'uint8']),
    symmetric: z.boolean(),
    int16_tensors: z.array(z.string()),
    all_int16: z.boolean(),
  })
  .strict();
export const Similarity = z
  .object({ cosine: z.number(), l1: z.number(), l2: z.number(), chebyshev: z.number() })
  .strict();

export const evaluation = {
  limit: EvaluateSchema.unwrap().shape.limit,
  sampling: EvaluateSchema.unwrap().shape.sampling,
  batch_size: EvaluateSchema.unwrap().shape.batch_size,
};

export const Latency = z.object({ median_ms: z.number(), p90_ms: z.number(), runs: Count }).strict();
export const Throughput = z.object({ threads: Count, fps: z.number(), mean_latency_ms: z.number() }).strict();
export const Timings = z.object({ single: Latency, multi: Throughput }).strict();

export const Guess = z.object({ class: Count, name: z.string(), p: z.number() }).strict();
/** One image the report shows (evaluate's images.json): flipped either way, or among the least similar outputs. */
export const ImageRow = z
  .object({
    file: z.string(),
    kind: z.string(),
    /** null: the image has no label */ label: Count.nullable(),
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
    rank: Count,
  })
  .strict();

export const subsetInput = {
  ...WorkDir,
  model: FilePath,
  preprocess: FilePath,
  calibration_table: FilePath,
  nodes: FilePath,
  quantize_summary: FilePath,
  dataset: WorkerDatasetSchema,
  subset: Count,
};

export const TuneStep = z
  .object({
    nodes_changed: Count,
    node: z.string().nullable(),
    top1: z.number(),
    drop: z.number(),
    latency_ms: z.number(),
  })
  .strict();
