import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cacheUsers } from '../cache/store.ts';
import { acquireLock } from '../engine/lock.ts';
import { assertOurs, CACHE_MARKER, RUN_MARKER } from '../engine/outdir.ts';
import { UserInputError } from '../errors.ts';
import { cacheRoot, defaultOutDir } from './run.ts';

export async function cleanCommand(
  recipe: string | undefined,
  out: string | undefined,
  cache: boolean,
  cacheDir?: string,
): Promise<number> {
  const named = out ?? (recipe && defaultOutDir(recipe));
  if (!named) throw new UserInputError('clean: name a recipe (or --out DIR)');
  const dir = resolve(named);
  if (existsSync(dir)) {
    assertOurs(dir, RUN_MARKER, 'run folder');
    const release = acquireLock(dir); // refuse to delete under a running pipeline
    release();
    await rm(dir, { recursive: true, force: true });
    process.stderr.write(`removed ${dir}\n`);
  } else process.stderr.write(`nothing to remove at ${dir}\n`);
  if (cache && existsSync(cacheRoot(cacheDir))) await purgeCache(cacheRoot(cacheDir));
  return 0;
}

/** Delete the whole cache, unless a run is using it: that run would re-create entries under it. The folder is first
 *  renamed away, so a run starting meanwhile makes a new, marked cache instead of writing into a half-deleted one. */
async function purgeCache(root: string): Promise<void> {
  assertOurs(root, CACHE_MARKER, 'cache');
  const users = cacheUsers(root);
  if (users.length > 0)
    throw new UserInputError(
      `clean --purge-cache: ${root} is in use by ${users.join(', ')}; wait for it to finish, then purge`,
    );
  const doomed = `${root}.purging-${process.pid}`;
  await rename(root, doomed);
  await rm(doomed, { recursive: true, force: true });
  process.stderr.write(`removed cache ${root}\n`);
}
