import { join } from 'node:path';
import { cacheRoot, type RunFlags } from '../commands/run.ts';
import { CACHE_MARKER, claimDir, looksLikeCache } from '../engine/outdir.ts';
import { UserInputError } from '../errors.ts';
import { resolveBackend } from '../horizon/auto-backend.ts';
import { loadRecipe } from '../recipe/load.ts';
import { resolvePython } from '../tools/python.ts';
import { runLocal } from './local.ts';
import { BatchProgress } from './progress.ts';
import { runRay } from './ray.ts';
import type { BatchTask, TaskOutcome } from './task.ts';

export interface BatchOptions {
  /** The command, for messages: sweep, zoo run. */
  command: string;
  /** Tasks at once on this machine (without --ray). */
  jobs: number;
  /** --ray: 'local' (a private instance for this batch), or an address for ray.init: auto, host:6379, ray://host:10001. */
  ray?: string;
  /** Where the batch keeps its own files (the Ray driver's log). */
  root: string;
}

/** Run every task (locally, `jobs` at a time, or as Ray tasks), all sharing one cache; every recipe is loaded first,
 *  so a bad one stops the batch before anything runs. */
export async function runBatch(tasks: BatchTask[], f: RunFlags, o: BatchOptions): Promise<TaskOutcome[]> {
  if (!Number.isInteger(o.jobs) || o.jobs < 1)
    throw new UserInputError(`${o.command}: --jobs takes a whole number >= 1`);
  const loaded = tasks.map((task) => ({
    task,
    loaded: loadRecipe(task.recipe, [...f.set, ...task.set], { resolveBackend }),
  }));
  const cache = cacheRoot(f.cache);
  claimDir(cache, CACHE_MARKER, 'cache', looksLikeCache); // once, before tasks race to create it
  const progress = new BatchProgress(tasks.length);
  if (!o.ray) return runLocal(tasks, { ...f, cache }, o.jobs, progress);
  const python = await resolvePython();
  return runRay(loaded, f, o.ray === 'local' ? undefined : o.ray, cache, python, join(o.root, '.ray'), progress);
}

/** 0 when every task passed, 1 when one did not (its line above says why). */
export function batchExitCode(outcomes: TaskOutcome[]): number {
  return outcomes.every((t) => t.status === 'passed') ? 0 : 1;
}
