import { z } from 'zod';
import { DatasetSchema, PreprocessSchema } from './dataset-schema.ts';
import { QuantizeSchema } from './quantize-schema.ts';

const ModelSourceSchema = z
  .union([
    z.object({ timm: z.string().min(1).describe('timm model name, e.g. resnext50_32x4d.') }).strict(),
    z.object({ torchvision: z.string().min(1).describe('torchvision.models function name, e.g. resnet18.') }).strict(),
    z
      .object({
        module: z
          .string()
          .regex(/^.+\.py:[A-Za-z_]\w*$/, 'expected path/to/file.py:factory')
          .describe("A user's own network: path/to/file.py:factory (path relative to the recipe)."),
      })
      .strict(),
    z
      .object({
        onnx: z
          .string()
          .min(1)
          .describe('An existing ONNX file (relative to the recipe): export copies and checks it.'),
      })
      .strict(),
  ])
  .describe('Where the network comes from: timm, torchvision, module (your own file), or onnx (an existing model).');

export const ModelSchema = z
  .object({
    name: z.string().min(1).describe('Display name in reports, e.g. ResNeXt50_32x4d.'),
    source: ModelSourceSchema,
    pretrained: z
      .boolean()
      .default(false)
      .describe('Load the hub weights (needs network access; else set checkpoint).'),
    checkpoint: z
      .string()
      .optional()
      .describe('A state_dict file (.pt/.pth/.safetensors) to load, relative to the recipe.'),
    num_classes: z.number().int().positive().optional().describe('Classifier size; default: the model default.'),
    kwargs: z.record(z.string(), z.unknown()).default({}).describe('Extra keyword arguments for the model factory.'),
    reparameterize: z
      .union([z.literal('auto'), z.boolean()])
      .default('auto')
      .describe(
        'Fuse training-time branches into the deployed form (RepVGG, MobileOne, FastViT, RepViT, RepGhost), as timm.utils.reparameterize_model does; auto = when the model offers it. The export check compares the fused model with the unfused one.',
      ),
  })
  .strict()
  .describe('The network to export.');

export const InputSchema = z
  .object({
    name: z.string().default('data').describe('ONNX input name.'),
    // bounds far past any model's, so that a typo cannot ask for gigabytes per image
    shape: z
      .tuple([
        z.literal(1),
        z.number().int().positive().max(1024),
        z.number().int().positive().max(8192),
        z.number().int().positive().max(8192),
      ])
      .optional()
      .describe('NCHW input shape [1, C, H, W]; default from timm pretrained_cfg.'),
    output_name: z.string().default('output').describe('ONNX output name.'),
  })
  .strict()
  .prefault({})
  .describe('Model input/output naming and shape.');

export const ExportSchema = z
  .object({
    opset: z.number().int().min(7).max(21).default(11).describe('ONNX opset (hb_mapper for X3/X5 wants 10 or 11).'),
    constant_folding: z.boolean().default(true).describe('torch.onnx.export do_constant_folding.'),
    check_samples: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .describe('Images for the torch vs onnxruntime check (at most 256: each is held in memory).'),
    randomize_batchnorm: z
      .boolean()
      .default(true)
      .describe('With random weights only: randomize BatchNorm statistics so folded initializers are non-degenerate.'),
    seed: z.number().int().default(0).describe('Seed for random weights and check inputs.'),
  })
  .strict()
  .prefault({})
  .describe('PyTorch -> ONNX export.');

export const SimplifySchema = z
  .object({
    tool: z.enum(['onnxsim', 'none']).default('onnxsim').describe('onnxsim, or none to skip the stage.'),
    overwrite_input_shape: z
      .boolean()
      .default(false)
      .describe('Pass the recipe input shape to onnxsim (--overwrite-input-shape).'),
    skip_fuse_bn: z.boolean().default(false).describe('onnxsim --skip-fuse-bn.'),
    skip_optimization: z.boolean().default(false).describe('onnxsim --skip-optimization.'),
    check_samples: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .describe('Images for the before/after equivalence check (at most 256: each is held in memory).'),
    min_cosine: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9999)
      .describe('Fail when output cosine (before vs after) is below this.'),
  })
  .strict()
  .prefault({})
  .describe('Graph simplification and its equivalence check.');

export const CalibrationSchema = z
  .object({
    dataset: DatasetSchema.optional().describe(
      'Calibration images; required unless quantize.calibration_type is skip.',
    ),
    count: z.number().int().positive().default(100).describe('Number of calibration samples (hb_mapper docs: ~100).'),
    seed: z.number().int().default(0).describe('Sampling seed.'),
    balanced: z.boolean().default(true).describe('Class-balanced sampling when labels exist.'),
  })
  .strict()
  .prefault({})
  .describe('Calibration set selection.');

export const EvaluateSchema = z
  .object({
    dataset: DatasetSchema.optional().describe('Labelled evaluation images; without it, accuracy is not measured.'),
    limit: z.number().int().positive().optional().describe('Evaluate at most this many images.'),
    sampling: z.enum(['first', 'stratified']).default('first').describe('How limit picks images.'),
    batch_size: z.number().int().positive().max(4096).default(64).describe('Inference batch size.'),
    perf_runs: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe('Host latency: timed single-image runs per model (0 = skip).'),
  })
  .strict()
  .prefault({})
  .describe('Float vs quantized accuracy and host performance.');

export const SensitivitySchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe('Run the per-layer sensitivity stage (zooforge sensitivity turns it on).'),
    subset: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Validation images (stratified from evaluate.dataset) for sensitivity and tune.'),
    budget_s: z
      .number()
      .positive()
      .default(600)
      .describe('Time budget in seconds; nodes not reached are listed as unmeasured.'),
  })
  .strict()
  .prefault({})
  .describe('Which layers cost accuracy (ort backend).');

export const TuneSchema = z
  .object({
    max_drop: z
      .number()
      .min(0)
      .optional()
      .describe('Top-1 drop budget in points; set (or zooforge tune --max-drop) to run the tune stage.'),
    max_nodes: z
      .number()
      .int()
      .positive()
      .default(20)
      .describe('Give up after this many nodes moved to higher precision.'),
  })
  .strict()
  .prefault({})
  .describe('Greedy mixed precision within an accuracy budget.');

const BoardSchema = z
  .object({
    // ssh takes these as its own arguments: a leading '-' would be an option, whitespace a second argument.
    host: z
      .string()
      .regex(
        /^[A-Za-z0-9_[][\w.:%[\]-]*$/,
        'expected a host name or address (no leading -, no spaces or shell characters)',
      )
      .describe('Board address (ssh).'),
    user: z
      .string()
      .regex(/^[A-Za-z0-9_][\w.-]*$/, 'expected a user name (no leading -, no spaces or shell characters)')
      .default('root')
      .describe('ssh user.'),
    port: z.number().int().positive().default(22).describe('ssh port.'),
    threads: z
      .number()
      .int()
      .positive()
      .default(8)
      .describe('Thread count for the multi-thread run (the single-thread run always uses 1).'),
    frames: z.number().int().positive().default(200).describe('hrt_model_exec --frame_count.'),
    remote_dir: z
      .string()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: a pattern, not a refine, so the JSON Schema carries it
      .regex(/^\/[^\0-\x1f\x7f]*$/, 'expected an absolute path without control characters')
      .default('/tmp/zooforge')
      .describe("Where the .bin is copied on the board (absolute; quoted for the board's shell)."),
  })
  .strict()
  .describe(
    "An RDK board reachable over ssh: hrt_model_exec perf fills the report's board latency/FPS columns. Never cached.",
  );

const ReportSchema = z
  .object({
    formats: z
      .array(z.enum(['md', 'json', 'html']))
      .default(['md', 'json', 'html'])
      .describe('Report files to write.'),
    title: z.string().optional().describe('Report title; default: the model name.'),
  })
  .strict()
  .prefault({})
  .describe('Report output.');

/** Published figures shown beside this run's in the report (zooforge zoo new writes the zoo's own). */
export const ReferenceSchema = z
  .object({
    source: z.string().min(1).describe('Where the figures come from, e.g. "zoo, RDK X5 board".'),
    size: z.string().optional().describe('Input size as published, e.g. 224x224.'),
    categories: z.number().int().positive().optional().describe('Classes of the model.'),
    params_M: z.number().positive().optional().describe('Parameter (M) as published.'),
    float_top1: z.number().optional().describe('Float Top-1 %.'),
    quant_top1: z.number().optional().describe('Quantized Top-1 %.'),
    latency_1thread_ms: z.number().optional().describe('Single-thread latency on the board, ms.'),
    latency_multithread_ms: z.number().optional().describe('Multi-thread latency on the board, ms.'),
    fps: z.number().optional().describe('Frame rate on the board.'),
  })
  .strict();
export type Reference = z.infer<typeof ReferenceSchema>;

export const RecipeSchema = z
  .object({
    $schema: z.string().optional().describe('JSON Schema reference for editors.'),
    model: ModelSchema,
    input: InputSchema,
    preprocess: PreprocessSchema,
    export: ExportSchema,
    simplify: SimplifySchema,
    calibration: CalibrationSchema,
    quantize: QuantizeSchema,
    evaluate: EvaluateSchema,
    sensitivity: SensitivitySchema,
    tune: TuneSchema,
    board: BoardSchema.optional(),
    report: ReportSchema,
    reference: ReferenceSchema.optional().describe(
      "Published figures to compare with (the report shows them beside this run's).",
    ),
    python: z.string().optional().describe('Python interpreter for the workers; default ZOOFORGE_PYTHON, then .venv.'),
  })
  .strict()
  .describe('A zooforge recipe: one model, from export to report.');

export type Recipe = z.infer<typeof RecipeSchema>;
