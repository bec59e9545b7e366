import { cpus } from 'node:os';
import { z } from 'zod';
import { NoOutputs } from '../contracts/common.ts';
import { Count, ModelPair, Timings, worker } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { HostRuntime } from '../recipe/quantize-schema.ts';
import type { Recipe } from '../recipe/schema.ts';
import { floatModel, PREPROCESS, runtimeTools, runWorkerStage, workerCode } from './common.ts';

export const perfWorker = worker('perf', {
  input: z.object({ ...ModelPair, runs: Count, runtime: HostRuntime }).strict(),
  output: z
    .object({
      host: z.object({ cpu: z.string(), cores: Count, runtime: z.string() }).strict(),
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
});

/** quantize.host_model: the latency columns time the emulate host model built beside the bpu one. */
export function timesHostModel(recipe: Recipe): boolean {
  const q = recipe.quantize;
  return q.backend === 'ort' && q.emulate === 'bpu' && q.host_model;
}

/** Host latency/throughput (ONNX Runtime or OpenVINO on the CPU: quantize.host_runtime) for the report's latency
 *  and FPS columns when no board is set. */
export const perfStage: Stage = {
  id: 'perf',
  worker: perfWorker,
  version: 2,
  title: 'Host performance',
  cacheable: true,
  disabledBecause: ({ recipe }) => (recipe.evaluate.perf_runs === 0 ? 'evaluate.perf_runs is 0' : undefined),
  inputs({ loaded }) {
    // Timings belong to the machine: its CPU model and core count are part of the key.
    const host = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
    return {
      recipe: {
        evaluate: { perf_runs: loaded.recipe.evaluate.perf_runs },
        host,
        runtime: loaded.recipe.quantize.host_runtime,
      },
      files: {
        ...workerCode(perfWorker.name),
        float_model: floatModel(loaded),
        quant_model: { stage: 'quantize', output: timesHostModel(loaded.recipe) ? 'host_model' : 'model' },
        preprocess: PREPROCESS,
      },
      tools: runtimeTools(loaded.recipe.quantize.host_runtime),
    };
  },
  async run(ctx) {
    const result = await runWorkerStage(ctx, perfWorker, {
      runtime: ctx.loaded.recipe.quantize.host_runtime,
      work_dir: ctx.workDir,
      float_model: ctx.files.float_model,
      quant_model: ctx.files.quant_model,
      preprocess: ctx.files.preprocess,
      runs: ctx.loaded.recipe.evaluate.perf_runs,
    });
    const load = result.data.machine_load;
    const busy = load.busy
      ? `other processes used ${Math.round((load.others_busy_fraction ?? 0) * 100)} % of the CPU while timing`
      : undefined;
    return { ...result, ...(busy ? { doNotCache: `${busy}: the figures are marked and will be measured again` } : {}) };
  },
};
