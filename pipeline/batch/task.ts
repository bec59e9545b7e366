/** One unit of a batch (a sweep variant, a zoo model): a whole `zooforge run` into its own folder, sharing the cache. */
export interface BatchTask {
  name: string;
  recipe: string;
  /** --set values on top of the batch's own. */
  set: string[];
  /** The run folder. */
  out: string;
}

export type TaskStatus = 'passed' | 'failed' | 'interrupted' | 'lost' | 'cancelled' | 'unschedulable';

export interface TaskOutcome {
  name: string;
  out: string;
  status: TaskStatus;
  /** The run's exit code (null when it never finished: lost, cancelled, unschedulable). */
  code: number | null;
  /** How many times it was started (more than 1: Ray retried it after its worker or node died). */
  attempts: number;
  node?: string;
  /** Why it did not pass: the failed stage and its message, or the scheduler's reason. */
  error?: string;
  /** Stages taken from the cache. */
  cached: string[];
}
