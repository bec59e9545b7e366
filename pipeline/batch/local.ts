import { type RunFlags, runPipeline } from '../commands/run.ts';
import type { EngineEvent } from '../engine/events.ts';
import { ensured } from '../errors.ts';
import type { Reporter } from '../terminal/types.ts';
import { readOutcome } from './outcome.ts';
import type { BatchProgress } from './progress.ts';
import type { BatchTask, TaskOutcome } from './task.ts';

/** The tasks as in-process runs, `jobs` at a time. Runs that miss the same cache key wait for each other (the
 *  key's lease), so shared upstream stages are computed once. */
export async function runLocal(
  tasks: BatchTask[],
  f: RunFlags,
  jobs: number,
  progress: BatchProgress,
): Promise<TaskOutcome[]> {
  const since = Date.now();
  const outcomes = new Map<string, TaskOutcome>();
  const runOne = async (t: BatchTask): Promise<void> => {
    progress.start(t.name, '');
    const reporter: Reporter = { onEvent: (e: EngineEvent) => progress.event(t.name, e), finish: async () => {} };
    let code: number;
    let error: string | undefined;
    try {
      code = (
        await runPipeline({ ...f, recipe: t.recipe, set: [...f.set, ...t.set], out: t.out, json: false }, reporter)
      ).code;
    } catch (err) {
      code = (err as { exitCode?: number }).exitCode ?? 70;
      error = (err as Error).message;
    }
    const status = code === 0 ? 'passed' : code === 130 ? 'interrupted' : 'failed';
    const o = readOutcome({ name: t.name, out: t.out, status, code, attempts: 1, error }, since);
    outcomes.set(t.name, o);
    progress.end(o);
  };
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await runOne(t);
    }),
  );
  return tasks.map((t) => ensured(outcomes.get(t.name), `outcome of ${t.name}`));
}
