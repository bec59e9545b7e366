import { readManifest } from '../engine/manifest.ts';
import type { TaskOutcome } from './task.ts';

/** What the run folder says of a finished task: the stages taken from the cache, and for a failed run its first
 *  failed stage with the message (the scheduler's own message when the run left no manifest of this batch, which
 *  began at `since`). */
export function readOutcome(base: Omit<TaskOutcome, 'cached'>, since: number): TaskOutcome {
  const found = base.status === 'unschedulable' ? undefined : readManifest(base.out);
  const manifest = found && Date.parse(found.startedAt) >= since - 1000 ? found : undefined; // not a previous batch's
  const cached = manifest?.stages.filter((s) => s.status === 'cached').map((s) => s.id) ?? [];
  const failed = manifest?.stages.find((s) => s.status === 'failed');
  const error =
    base.status === 'passed' ? undefined : failed ? `stage ${failed.id}: ${failed.error ?? 'failed'}` : base.error;
  return { ...base, cached, error };
}
