import { Listr, type ListrTaskWrapper } from 'listr2';
import type { EngineEvent } from '../engine/events.ts';
import type { StageStatus } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { oneLine, printable } from '../text/one-line.ts';
import { keptText, ProgressRate, seconds } from './format.ts';
import type { Reporter } from './types.ts';

interface Slot {
  title: string;
  task?: ListrTaskWrapper<unknown, never, never>;
  resolve: (end: { status: StageStatus; durationMs: number; error?: string }) => void;
  ended: Promise<{ status: StageStatus; durationMs: number; error?: string }>;
}

/** The TTY view: one listr2 task per stage, live sub-progress, status and duration. */
export class ListrReporter implements Reporter {
  private slots = new Map<string, Slot>();
  private running?: Promise<unknown>;
  private tail: string[] = [];
  private readonly rate = new ProgressRate();

  onEvent(e: EngineEvent): void {
    if (e.type === 'plan') this.start(e.stages.map((s) => ({ id: s.id, title: s.title })));
    else if (e.type === 'stage-progress') {
      const t = this.slots.get(e.id)?.task;
      if (t) t.output = oneLine(this.rate.text(e.id, e.message, e.done, e.total));
    } else if (e.type === 'stage-warning') {
      const t = this.slots.get(e.id)?.task;
      if (t) t.output = `warning: ${oneLine(e.message)}`;
      this.tail.push(`warning (${e.id}): ${e.message}`);
    } else if (e.type === 'stage-end') {
      this.slots.get(e.id)?.resolve({ status: e.status, durationMs: e.durationMs, error: e.error });
      if (e.detail) this.tail.push(`${e.id} log tail:\n${e.detail}`);
    } else if (e.type === 'run-end') {
      this.tail.push(`${e.status} in ${seconds(e.durationMs)}; manifest: ${e.manifest}`);
      if (e.kept) this.tail.push(keptText(e.kept));
    }
  }

  private start(stages: { id: string; title: string }[]): void {
    for (const s of stages) {
      let resolve!: Slot['resolve'];
      const ended = new Promise<Awaited<Slot['ended']>>((r) => {
        resolve = r;
      });
      this.slots.set(s.id, { title: s.title, resolve, ended });
    }
    const list = new Listr(
      stages.map((s) => ({
        title: s.title,
        task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
          const slot = ensured(this.slots.get(s.id), `view slot of ${s.id}`);
          slot.task = task;
          const end = await slot.ended;
          const took = seconds(end.durationMs);
          if (end.status === 'cached') task.title = `${s.title} (cached, ${took})`;
          else if (end.status === 'passed') task.title = `${s.title} (${took})`;
          else if (end.status === 'disabled' || end.status === 'skipped')
            task.skip(`${s.title}: ${oneLine(end.error ?? end.status)}`);
          else throw new Error(`${s.title}: ${oneLine(end.error ?? 'failed')}`);
        },
        // registerSignalListeners: listr2's own SIGINT handler exits at once (130, no message), before the run records
        // the interruption, releases its lock and clears .tmp/; the run's handler (commands/run.ts) does all that.
      })),
      { concurrent: false, exitOnError: false, registerSignalListeners: false },
    );
    this.running = list.run().catch(() => undefined); // failures are reported by the engine's result
  }

  async finish(): Promise<void> {
    for (const s of this.slots.values()) s.resolve({ status: 'skipped', durationMs: 0, error: 'not reached' });
    await this.running;
    for (const line of this.tail) process.stderr.write(`${printable(line)}\n`);
  }
}
