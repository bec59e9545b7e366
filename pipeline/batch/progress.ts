import { z } from 'zod';
import type { TaskOutcome } from './task.ts';

/** The fields of an engine event (engine/events.ts) the board reads; a remote run's events are parsed with it. */
export const BoardEvent = z
  .object({
    type: z.string(),
    id: z.string().optional(),
    status: z.string().optional(),
    error: z.string().optional(),
    message: z.string().optional(),
  })
  .passthrough();
export type BoardEvent = z.infer<typeof BoardEvent>;

type Write = (line: string) => void;

/** The order a stage's states are counted in on the progress line (any other state after these). */
const STATE_ORDER = ['passed', 'cached', 'running', 'failed', 'skipped', 'stopped', 'disabled'];

/** Progress of a batch on stderr, one line per change: each task's stage results (`[kl] cached export`), and a
 *  board line when a task starts or ends: tasks done/running/failed and, per stage, how many tasks computed it,
 *  took it from the cache, are running it, or failed it. */
export class BatchProgress {
  private readonly running = new Map<string, string>(); // task -> where
  private readonly ended = new Map<string, TaskOutcome['status']>();
  private readonly stages = new Map<string, Map<string, string>>(); // stage -> task -> state

  constructor(
    private readonly total: number,
    private readonly write: Write = (l) => process.stderr.write(`${l}\n`),
  ) {}

  start(task: string, where: string, attempt = 1): void {
    this.running.set(task, where);
    this.write(
      `[${task}] started${where ? ` on ${where}` : ''}${attempt > 1 ? ` (attempt ${attempt}: its previous worker or node died)` : ''}`,
    );
    this.board();
  }

  event(task: string, e: BoardEvent): void {
    if (!e.id) return;
    if (e.type === 'stage-start') this.mark(e.id, task, 'running');
    else if (e.type === 'stage-progress' && e.message?.startsWith('waiting:'))
      this.write(`[${task}] ${e.id}: ${e.message}`);
    else if (e.type === 'stage-end' && e.status && e.status !== 'disabled') {
      this.mark(e.id, task, e.status);
      this.write(`[${task}] ${e.status} ${e.id}${e.error ? `: ${e.error}` : ''}`);
    }
  }

  end(o: Pick<TaskOutcome, 'name' | 'status' | 'error'>): void {
    this.running.delete(o.name);
    this.ended.set(o.name, o.status);
    for (const states of this.stages.values()) if (states.get(o.name) === 'running') states.set(o.name, 'stopped');
    this.write(`[${o.name}] ${o.status}${o.error ? `: ${o.error.split('\n')[0]}` : ''}`);
    this.board();
  }

  private mark(stage: string, task: string, state: string): void {
    const tasks = this.stages.get(stage) ?? new Map<string, string>();
    this.stages.set(stage, tasks.set(task, state));
  }

  /** `tasks 1/4 done, 2 running, 0 failed | export 1 passed 1 cached 2 running | ...`: each stage's states in
   *  STATE_ORDER, whichever task reached the stage first. */
  line(): string {
    const failed = [...this.ended.values()].filter((s) => s !== 'passed').length;
    const per = [...this.stages].map(([stage, states]) => {
      const counts = new Map<string, number>();
      for (const s of states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
      const rank = (s: string): number => (STATE_ORDER.includes(s) ? STATE_ORDER.indexOf(s) : STATE_ORDER.length);
      return `${stage} ${[...counts]
        .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
        .map(([s, n]) => `${n} ${s}`)
        .join(' ')}`;
    });
    return [`tasks ${this.ended.size}/${this.total} done, ${this.running.size} running, ${failed} failed`, ...per].join(
      ' | ',
    );
  }

  private board(): void {
    this.write(this.line());
  }
}
