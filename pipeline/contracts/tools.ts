import { z } from 'zod';

/** Tool versions the project interpreter reports (python -m zooforge.workers.versions): null when not installed. A stage's
 *  key names tools from this list only, so a misspelt tool is a type error, never a silent 'absent'. */
export const TOOL_NAMES = [
  'python',
  'torch',
  'torchvision',
  'timm',
  'onnx',
  'onnxsim',
  'onnxruntime',
  'numpy',
  'blas',
  'pillow',
  'openvino',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const ToolVersions = z
  .object(
    Object.fromEntries(TOOL_NAMES.map((t) => [t, z.string().nullable()])) as Record<
      ToolName,
      z.ZodNullable<z.ZodString>
    >,
  )
  .strict();
/** What the engine keys with: a tool missing from the map is keyed as 'absent'. */
export type ToolVersions = Partial<z.infer<typeof ToolVersions>>;
