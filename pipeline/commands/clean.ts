import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { acquireLock } from '../engine/lock.ts';
import { assertOurs, CACHE_MARKER, RUN_MARKER } from '../engine/outdir.ts';
import { UserInputError } from '../errors.ts';
import { cacheRoot, defaultOutDir } from './run.ts';

export async function cleanCommand(recipe: string | undefined, out: string | undefined, cache: boolean, cacheDir?: string): Promise<number> {
  if (!recipe && !out) throw new UserInputError('clean: name a recipe (or --out DIR)');
  const dir = resolve(out ?? defaultOutDir(recipe!));
  if (existsSync(dir)) {
    assertOurs(dir, RUN_MARKER, 'run folder');
    const release = acquireLock(dir); // refuse to delete under a running pipeline
    release();
    await rm(dir, { recursive: true, force: true });
    process.stderr.write(`removed ${dir}\n`);
  } else process.stderr.write(`nothing to remove at ${dir}\n`);
  if (cache && existsSync(cacheRoot(cacheDir))) {
    assertOurs(cacheRoot(cacheDir), CACHE_MARKER, 'cache');
    await rm(cacheRoot(cacheDir), { recursive: true, force: true });
    process.stderr.write(`removed cache ${cacheRoot(cacheDir)}\n`);
  }
  return 0;
}
