import { z } from 'zod';

/** Shapes several workers share. Every worker contract is built from these and the recipe's own section schemas. */

/** The one preprocessing record: written by the preprocess stage, read by every stage that feeds the model pixels. */
export const PreprocessRecord = z
  .object({
    input_name: z.string(),
    output_name: z.string(),
    input_shape: z.array(z.number().int()),
    size: z.array(z.number().int()),
    crop_pct: z.number(),
    crop_mode: z.enum(['center', 'squash']),
    interpolation: z.string(),
    mean: z.array(z.number()),
    std: z.array(z.number()),
    colour: z.enum(['gray', 'rgb', 'bgr']),
    layout: z.literal('NCHW'),
    source: z.string(),
  })
  .strict();
export type PreprocessRecord = z.infer<typeof PreprocessRecord>;

/** Float-vs-float check of a converted model (export: torch vs ORT; simplify: before vs after). */
export const ModelCheck = z
  .object({
    samples: z.number().int(),
    max_abs_diff: z.number(),
    min_cosine: z.number(),
    mean_cosine: z.number(),
    top1_agreement: z.number(),
    inputs: z.string(),
  })
  .strict();

/** A Top-k summary: count, percent, Wilson 95 % interval. */
export const TopK = z
  .object({ correct: z.number().int(), percent: z.number(), ci95: z.tuple([z.number(), z.number()]) })
  .strict();
export const Accuracy = z.object({ top1: TopK, top5: TopK }).strict();

/** int8 against float on every image, labelled or not: float's top-1 class taken as the answer. */
export const Agreement = z
  .object({
    /** int8's top-1 is float's top-1 */ top1: TopK,
    /** float's top-1 is among int8's top 5 */ top5: TopK,
    mean_output_cosine: z.number(),
    /** mean KL(float softmax || int8 softmax), nats */ mean_kl: z.number(),
  })
  .strict();

/** Float vs quantized on the same images (evaluate and hb_evaluate): agreement on all of them; accuracy, flips and
 *  per class on the labelled ones (null and empty when none is labelled). */
export const PairedMetrics = z.object({
  n: z.number().int(),
  /** images with a label: the n of float, quant, paired and per_class */
  labelled: z.number().int(),
  topk: z.number().int(),
  /** the model's output classes (logits per image), not the evaluation set's */
  classes: z.number().int(),
  agreement: Agreement,
  float: Accuracy.nullable(),
  quant: Accuracy.nullable(),
  paired: z
    .object({
      both_right: z.number().int(),
      float_only: z.number().int(),
      quant_only: z.number().int(),
      both_wrong: z.number().int(),
      mcnemar_p: z.number(),
      /** float minus int8 Top-1, points (positive: int8 is worse), with the 95 % interval zooforge/evaluation/stats.py paired_drop
       *  gives: it excludes 0 exactly when mcnemar_p < 0.05 */
      drop_top1: z.object({ points: z.number(), lo: z.number(), hi: z.number() }).strict(),
    })
    .strict()
    .nullable(),
  per_class: z.array(
    z
      .object({ class: z.string(), n: z.number().int(), float: z.number(), quant: z.number(), drop: z.number() })
      .strict(),
  ),
  skipped: z.array(z.string()),
  dataset: z.string(),
  seconds: z.number(),
});

/** Every worker answers with `outputs: {name: path relative to its work_dir}` beside its data. */
export const Outputs = <K extends string>(...names: [K, ...K[]]) =>
  z.object(Object.fromEntries(names.map((n) => [n, z.string()])) as Record<K, z.ZodString>).strict();
export const NoOutputs = z.object({}).strict();

/** Every worker input carries the folder it writes into. */
export const WorkDir = { work_dir: z.string() };
