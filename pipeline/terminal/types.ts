import type { EngineEvent } from '../engine/events.ts';

/** A reporter consumes engine events; it never influences the run. */
export interface Reporter {
  onEvent(event: EngineEvent): void;
  finish(): Promise<void>;
}
