import type { EngineEvent } from '../engine/events.ts';
import { printable } from '../text/one-line.ts';
import { keptText, ProgressRate, seconds } from './format.ts';
import type { Reporter } from './types.ts';

/** Plain lines for CI and pipes: one line per state change, progress at most every few seconds. */
export class PlainReporter implements Reporter {
  private lastProgress = new Map<string, number>();
  private readonly rate = new ProgressRate();
  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(`${printable(l)}\n`)) {}

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'plan':
        for (const s of e.stages)
          this.write(`plan  ${s.id.padEnd(12)} ${s.action === 'disabled' ? `off (${s.reason})` : s.reason}`);
        break;
      case 'stage-start':
        this.write(`start ${e.id.padEnd(12)} ${e.title}`);
        break;
      case 'stage-progress': {
        const now = Date.now();
        const final = e.done !== undefined && e.done === e.total;
        if (final || now - (this.lastProgress.get(e.id) ?? 0) > 3000) {
          this.lastProgress.set(e.id, now);
          this.write(`      ${e.id.padEnd(12)} ${this.rate.text(e.id, e.message, e.done, e.total)}`);
        }
        break;
      }
      case 'stage-warning':
        this.write(`warn  ${e.id.padEnd(12)} ${e.message}`);
        break;
      case 'stage-end':
        if (e.status === 'disabled') break; // already said in the plan
        this.write(`${e.status.padEnd(5)} ${e.id.padEnd(12)} ${seconds(e.durationMs)}${e.error ? `: ${e.error}` : ''}`);
        if (e.detail)
          this.write(
            e.detail
              .split('\n')
              .map((l) => `      | ${l}`)
              .join('\n'),
          );
        break;
      case 'run-end':
        this.write(`${e.status} in ${seconds(e.durationMs)}; manifest: ${e.manifest}`);
        if (e.kept) this.write(keptText(e.kept));
        break;
    }
  }

  async finish(): Promise<void> {}
}
