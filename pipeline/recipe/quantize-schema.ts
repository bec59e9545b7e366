import { z } from 'zod';
import { CalibrationParameters, CompilerParameters, InputParameters, ModelParameters } from '../horizon/schema.ts';

/** docker's image reference grammar ([registry[:port]/]name[:tag][@digest]): never an option, never a second argument. */
const DOCKER_REF =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const CALIBRATION_TYPES = ['default', 'mix', 'kl', 'max', 'load', 'skip'] as const;

const NodeInfoEntry = z
  .object({
    ON: z.enum(['BPU', 'CPU']).optional().describe('Where the node runs; CPU keeps it float.'),
    InputType: z.enum(['int8', 'int16']).optional().describe('Precision of all node inputs.'),
    OutputType: z.enum(['int8', 'int16']).optional().describe('Precision of all node outputs.'),
  })
  .catchall(z.enum(['int8', 'int16']))
  .describe('hb_mapper node_info entry, e.g. {ON: BPU, InputType: int16, OutputType: int16}.');

/** emulate host's float placement, as a run measured it (its report prints this block): pinned, no timing decides. */
export const HostPlacement = z
  .object({
    float_op_types: z.array(z.string()).describe('Op types kept float (GroupedConv = Conv with group > 1).'),
    float_nodes: z.array(z.string()).default([]).describe('Dense nodes (Conv, MatMul, Gemm) kept float, by name.'),
    regrouped: z
      .record(z.string(), z.number().int().positive())
      .default({})
      .describe(
        'Grouped convolutions run in int8 with this (smaller) group count: block-diagonal weights, the same values.',
      ),
  })
  .strict();

/** What runs the host int8 model (quantize.host_runtime): ONNX Runtime or OpenVINO, on the CPU. */
export const HostRuntime = z.enum(['ort', 'openvino']);
export type HostRuntime = z.infer<typeof HostRuntime>;

export const QuantizeSchema = z
  .object({
    backend: z
      .enum(['auto', 'ort', 'horizon'])
      .default('auto')
      .describe(
        'auto: horizon where hb_mapper is reachable (PATH, toolchain.command, docker + toolchain.docker_image), else ort; ort: the embedded int8 backend (ONNX Runtime QDQ, runs anywhere); horizon: hb_mapper makertbin.',
      ),
    calibration_type: z
      .enum(CALIBRATION_TYPES)
      .default('default')
      .describe(
        "hb_mapper calibration method: default (search: max, max-percentile 0.99995, kl x per-channel, x asymmetric under emulate bpu), kl (entropy, hb_mapper's 16384 bins), max (with max_percentile: clipped), mix, load, skip.",
      ),
    max_percentile: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe(
        'With calibration_type max: clip at this percentile of |activation| (hb_mapper max_percentile); unset = plain max. The default search always tries 0.99995.',
      ),
    per_channel: z
      .union([z.boolean(), z.literal('auto')])
      .default('auto')
      .describe('Per-channel weight scales; auto = searched by calibration_type default, on otherwise.'),
    search_samples: z
      .number()
      .int()
      .positive()
      .default(16)
      .describe(
        'For calibration_type default: held-out calibration samples used to score candidates by output cosine.',
      ),
    run_on_cpu: z.array(z.string()).default([]).describe('Node names kept float (hb_mapper run_on_cpu).'),
    node_info: z
      .record(z.string(), NodeInfoEntry)
      .default({})
      .describe('Per-node placement/precision in hb_mapper words (written to model_parameters.node_info).'),
    unresolved_nodes: z
      .enum(['refuse', 'drop'])
      .default('refuse')
      .describe(
        "A node_info or run_on_cpu name the node_names stage cannot find in the exported graph (exactly, as hb_mapper's name for a node it makes, or translated from the original model's names): refuse (default) stops the run (exit 2) and lists the nearest names; drop goes on without it, with a warning.",
      ),
    optimization: z.array(z.string()).default([]).describe('hb_mapper optimization flags, e.g. set_all_nodes_int16.'),
    emulate: z
      .enum(['bpu', 'host'])
      .default('bpu')
      .describe(
        "ort backend, what the int8 model is for. bpu (default; the recipe targets a Horizon march): predict the board — every op the X5 BPU runs in int8 is int8 (all convolutions, grouped and depthwise included), signed int8 activations (symmetric unless the search picks asymmetric), per-channel int8 weights, node_info int16 and set_all_nodes_int16 as int16 Q/DQ, float only for what the X5 runs on its CPU; calibration_type default searches hb_mapper's X5 grid. host: the fastest int8 on this machine (uint8 activations; what stays float is measured per model unless float_op_types says).",
      ),
    host_model: z
      .boolean()
      .default(false)
      .describe(
        "ort backend, emulate bpu: also build the emulate host int8 model from the same calibration pass (quantize/model_int8_host.onnx; what stays float measured as under host). The report's latency columns then time it; its accuracy columns stay the bpu model's. Under emulate host the one model is both (warned).",
      ),
    equalize: z
      .boolean()
      .default(false)
      .describe(
        'ort backend: cross-layer equalization before calibration: each Conv -> Relu -> Conv chain (second conv not grouped) trades weight range between the two convs channel by channel; the float model computes the same. Off by default: on the three Fashion nets it did not help (npm run bench:ptq-accuracy, README).',
      ),
    host_runtime: HostRuntime.default('ort').describe(
      'ort backend, emulate host (or host_model): the CPU runtime that runs the host int8 model for its float placement timing, the latency and FPS columns and (under emulate host) the int8 accuracy columns. ort (default): ONNX Runtime; openvino: OpenVINO (the same int8 file; its CPU kernels are 1.0-1.4x faster here, see npm run bench:int8-openvino). Float is evaluated in ONNX Runtime either way.',
    ),
    host_placement: HostPlacement.optional().describe(
      'ort backend, emulate host (or host_model): the float placement to use instead of timing one. A run that measured it prints this block in its report (and writes it to quantize/summary.json host_speed.placement); pin it so that every machine and every cold run builds the same int8 file. Node names must exist in the model.',
    ),
    float_op_types: z
      .array(z.string())
      .optional()
      .describe(
        'ort backend: op types kept float (GroupedConv = Conv with group > 1). Unset: none under emulate bpu; under emulate host measured per model (op types and single dense nodes, each placement timed 1-thread beside fp32; npm run bench:int8-speed). Under bpu a list is applied with a warning: the board runs them int8.',
      ),
    toolchain: z
      .object({
        docker_image: z
          .string()
          .regex(
            DOCKER_REF,
            'expected an image reference such as openexplorer/ai_toolchain_ubuntu_20_x5_cpu:v1.2.8 (docker would read anything else as an option)',
          )
          .optional()
          .describe(
            'Run hb_mapper inside this OpenExplorer image (docker run --rm -v <dir>:<dir> -w <dir>), e.g. openexplorer/ai_toolchain_ubuntu_20_x5_cpu:v1.2.8.',
          ),
        command: z
          .array(z.string())
          .default([])
          .describe('A command prefix to run hb_mapper through, e.g. [conda, run, -n, oe]; empty = hb_mapper on PATH.'),
        python: z
          .string()
          .default('python3')
          .describe(
            "The toolchain's Python (has horizon_tc_ui), for hb_evaluate.py: the Horizon quantized-model accuracy.",
          ),
      })
      .strict()
      .prefault({})
      .describe(
        'Where the horizon backend finds hb_mapper: on PATH (default), in a docker image, or behind a command prefix.',
      ),
    hb_config: z.string().optional().describe('An existing hb_mapper YAML to start from; fields set here override it.'),
    model_parameters: ModelParameters.default({}).describe(
      'hb_mapper model_parameters (march — default bayes-e, RDK X5 —, node_info, remove_node_type, ...).',
    ),
    input_parameters: InputParameters.default({}).describe(
      'hb_mapper input_parameters (input_type_rt, norm_type, ...).',
    ),
    calibration_parameters: CalibrationParameters.default({}).describe(
      'Further hb_mapper calibration_parameters (cal_data_type, ...).',
    ),
    compiler_parameters: CompilerParameters.default({}).describe(
      'hb_mapper compiler_parameters (compile_mode, optimize_level, ...).',
    ),
  })
  .strict()
  .prefault({})
  .describe('Quantization: backend and hb_mapper-vocabulary settings.');

export type QuantizeSettings = z.infer<typeof QuantizeSchema>;
