import { z } from 'zod';

/** hb_mapper YAML values as people write them: `False`/`false`, `'0.0039'`/0.0039, `'a; b'` lists. */
const Bool = z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false'])]);
const Num = z.union([z.number(), z.string()]);
const Text = z.union([z.string(), z.number()]);
/** A name hb_mapper turns into files and folders under its work dir (<prefix>.bin, <working_dir>/), and that the
 *  board stage passes to a shell: a plain name only, as the toolchain itself wants it. */
export const HB_NAME = /^[A-Za-z0-9_][\w.-]*$/;
const HbName = z.union([z.string(), z.number()]).refine((v) => HB_NAME.test(String(v)) && !String(v).includes('..'), {
  message:
    'must be a plain name (letters, digits, _ . -; no /, .., spaces or shell characters): hb_mapper writes it as a file or folder name',
});
const NodeInfoValue = z.union([z.string(), z.record(z.string(), z.record(z.string(), z.string()))]);

/** reference/hb_mapper.md §1.1 — X3 (bernoulli2), Ultra (bayes), X5 (bayes-e). */
export const ModelParameters = z
  .object({
    onnx_model: z.string().optional().describe('Float ONNX model (the pipeline fills it in).'),
    caffe_model: z.string().optional().describe('Caffe model (with prototxt); not produced by zooforge.'),
    prototxt: z.string().optional().describe('Caffe prototxt.'),
    march: z
      .enum(['bernoulli2', 'bayes', 'bayes-e'])
      .optional()
      .describe('BPU: bernoulli2 (RDK X3), bayes (Ultra), bayes-e (X5); zooforge writes bayes-e when unset.'),
    output_model_file_prefix: HbName.optional().describe(
      'Prefix of every artefact (<prefix>.bin, <prefix>_quantized_model.onnx, ...); default model.',
    ),
    working_dir: HbName.optional().describe('Output folder, relative to the YAML; default model_output.'),
    layer_out_dump: Bool.optional().describe('Dump every conv output (debug only; slow).'),
    output_nodes: z.string().optional().describe(';-list of output node names.'),
    remove_node_type: z
      .string()
      .optional()
      .describe(';-list from Quantize, Transpose, Dequantize, Cast, Reshape, Softmax.'),
    remove_node_name: z.string().optional().describe(';-list of node names to remove at the model edges.'),
    set_node_data_type: z.string().optional().describe("'node:int16;...' (Ultra; being deprecated for node_info)."),
    debug_mode: z.string().optional().describe('dump_calibration_data: save calibration tensors as .npy.'),
    node_info: NodeInfoValue.optional().describe(
      "Per-node placement/precision: {node: {ON: BPU, InputType: int16, OutputType: int16}} or 'n1:int16;n2:int16'.",
    ),
    log_level: z.string().optional().describe('Deprecated (the tool warns).'),
  })
  .strict();

/** §1.2 */
export const InputParameters = z
  .object({
    input_name: Text.optional().describe(';-list of input names; required with more than one input.'),
    input_type_train: z
      .string()
      .optional()
      .describe('rgb, bgr, yuv444, gray, featuremap: what the float model was trained on.'),
    input_layout_train: z.string().optional().describe('NCHW or NHWC.'),
    input_type_rt: z.string().optional().describe('nv12, yuv444, rgb, bgr, gray, featuremap: what the board feeds.'),
    input_layout_rt: z.string().optional().describe('NCHW or NHWC; required for every non-nv12 runtime type.'),
    input_space_and_range: z.string().optional().describe('regular (0-255) or bt601_video (16-235, nv12 only).'),
    input_shape: Text.optional().describe("'1x3x224x224'; default from the model."),
    input_batch: Num.optional().describe('Batch of the .bin (single-input models).'),
    norm_type: z.string().optional().describe('no_preprocess, data_mean, data_scale, data_mean_and_scale.'),
    mean_value: Num.optional().describe(
      'Per-channel mean on the 0-255 scale (default 255*mean of the preprocessing record).',
    ),
    scale_value: Num.optional().describe('Per-channel scale (default 1/(255*std) of the preprocessing record).'),
  })
  .strict();

/** §1.3 */
export const CalibrationParameters = z
  .object({
    cal_data_dir: z.string().optional().describe('Calibration folder per input (the pipeline fills it in).'),
    cal_data_type: z.string().optional().describe('float32 (zooforge writes float32) or uint8.'),
    preprocess_on: Bool.optional().describe('Deprecated: let the tool read and resize images itself.'),
    calibration_type: z
      .string()
      .optional()
      .describe('Set quantize.calibration_type instead (kept here for imported configs).'),
    max_percentile: Num.optional().describe('Set quantize.max_percentile instead.'),
    per_channel: Bool.optional().describe('Set quantize.per_channel instead.'),
    run_on_cpu: z.string().optional().describe('Set quantize.run_on_cpu instead.'),
    run_on_bpu: z.string().optional().describe(';-list of nodes forced onto the BPU.'),
    enable_int16: Bool.optional().describe('Only on certain models on J5.'),
    optimization: z.string().optional().describe('Set quantize.optimization instead.'),
  })
  .strict();

/** §1.4 */
export const CompilerParameters = z
  .object({
    compile_mode: z.string().optional().describe('latency, bandwidth or balance.'),
    balance_factor: Num.optional().describe('0-100; required iff compile_mode is balance.'),
    optimize_level: z.string().optional().describe('O0-O3 (O3 for real performance).'),
    debug: Bool.optional().describe('Keep per-layer perf info.'),
    core_num: Num.optional().describe('1, or 2 on X3/Ultra.'),
    input_source: z.record(z.string(), z.string()).optional().describe('{input: ddr|pyramid|resizer}.'),
    max_time_per_fc: Num.optional().describe('0 or 1000-4294967295 microseconds.'),
    jobs: Num.optional().describe('Compile parallelism.'),
    advice: Num.optional().describe('Report ops slower than theory by this many microseconds.'),
    ability_entry: z.string().optional().describe('Undocumented hbdk option.'),
  })
  .strict();

export const CustomOp = z
  .object({
    custom_op_method: z.string().optional().describe('register'),
    op_register_files: z.string().optional().describe(';-list of .py files'),
    custom_op_dir: z.string().optional().describe('Folder of the custom op files'),
  })
  .strict();

/** A whole hb_mapper makertbin YAML. */
export const HbConfigSchema = z
  .object({
    model_parameters: ModelParameters,
    input_parameters: InputParameters,
    calibration_parameters: CalibrationParameters.optional(),
    compiler_parameters: CompilerParameters.optional(),
    custom_op: CustomOp.optional(),
  })
  .strict();

export type HbConfig = z.infer<typeof HbConfigSchema>;
export type HbGroupName = 'model_parameters' | 'input_parameters' | 'calibration_parameters' | 'compiler_parameters';
