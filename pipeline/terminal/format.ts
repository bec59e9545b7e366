export function seconds(ms: number): string {
  return ms < 1000
    ? `${ms} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function progressText(message: string, done?: number, total?: number): string {
  return done !== undefined && total !== undefined ? `${message} ${done}/${total}` : message;
}

export const keptText = (kept: string): string => `the folder's last complete run (with its report) is kept in ${kept}`;

/** Rate and time left for a stage's counter (images evaluated, candidates quantized), measured from the first report
 *  of that counter: shown once a second has passed, so a person waiting knows how long. */
export class ProgressRate {
  private readonly first = new Map<string, { at: number; done: number; total: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  text(stage: string, message: string, done?: number, total?: number): string {
    const base = progressText(message, done, total);
    if (done === undefined || total === undefined) return base;
    const start = this.first.get(stage);
    if (!start || done < start.done || total !== start.total) {
      // a new counter
      this.first.set(stage, { at: this.now(), done, total });
      return base;
    }
    const secs = (this.now() - start.at) / 1000;
    if (secs < 1 || done === start.done) return base;
    const rate = (done - start.done) / secs;
    const left = done < total ? `, about ${seconds(Math.round(((total - done) / rate) * 1000))} left` : '';
    return `${base} (${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s${left})`;
  }
}
