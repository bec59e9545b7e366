import { z } from 'zod';

/** The data of the stages written in TypeScript, as later readers (report, commands) see it: only the fields they
 *  read are named, the rest passes through. Worker stages' data is their worker contract's output minus `outputs`. */
export const ParamsData = z.object({ total: z.number(), millions: z.number(), initializers: z.number() }).passthrough();

const BoardPerf = z
  .object({ threads: z.number().nullable(), average_latency_ms: z.number().nullable(), fps: z.number().nullable() })
  .passthrough();
export const BoardData = z
  .object({ host: z.string(), single: BoardPerf, multi: BoardPerf, runtime: z.record(z.string(), z.string()) })
  .passthrough();

export const HorizonData = z
  .object({
    calibration_method: z.string().nullable().optional(),
    output_similarity: z
      .array(
        z.object({
          name: z.string(),
          cosine: z.number().nullable(),
          l1: z.number().nullable(),
          l2: z.number().nullable(),
          chebyshev: z.number().nullable(),
        }),
      )
      .optional(),
  })
  .passthrough();
