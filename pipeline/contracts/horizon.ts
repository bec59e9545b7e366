import { z } from 'zod';

/** What the mapper_config stage decided, as a keyed file: the horizon stage lays out its work folder from it and
 *  hb_evaluate feeds the quantized model what it expects, without re-reading the generated YAML. */
export const MapperSummary = z
  .object({
    march: z.string(),
    input_type_rt: z.string(),
    calibration_dir: z.string(),
    working_dir: z.string(),
    output_model_file_prefix: z.string(),
    warnings: z.array(z.string()),
  })
  .strict();
export type MapperSummary = z.infer<typeof MapperSummary>;
