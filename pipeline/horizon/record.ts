import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { LoadedRecipe } from '../recipe/load.ts';
import type { PythonEnv } from '../tools/python.ts';
import type { PreprocessRecord } from './config.ts';

const RecordOutput = z.object({ record: z.object({ input_name: z.string(), input_shape: z.array(z.number()), mean: z.array(z.number()), std: z.array(z.number()), colour: z.enum(['rgb', 'bgr', 'gray']) }).passthrough() });

/** The preprocessing record without exporting (timm's pretrained_cfg + the recipe), via scripts/record.py. */
export async function previewRecord(loaded: LoadedRecipe, python: PythonEnv): Promise<PreprocessRecord> {
  const dir = await mkdtemp(join(tmpdir(), 'zf-record-'));
  try {
    const r = loaded.recipe;
    const out = await python.runWorker('record.py', { model: r.model, input: r.input, preprocess: r.preprocess, work_dir: dir }, RecordOutput,
      { workDir: dir, logFile: join(dir, 'record.log'), signal: new AbortController().signal });
    return out.record;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
