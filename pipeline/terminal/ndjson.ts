import type { EngineEvent } from '../engine/events.ts';
import type { Reporter } from './types.ts';

/** One JSON object per line on stdout (`--json`), for machines. */
export class NdjsonReporter implements Reporter {
  onEvent(e: EngineEvent): void {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
  }

  async finish(): Promise<void> {}
}
