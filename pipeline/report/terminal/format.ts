export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function progressText(message: string, done?: number, total?: number): string {
  return done !== undefined && total !== undefined ? `${message} ${done}/${total}` : message;
}

export const keptText = (kept: string): string => `the folder's last complete run (with its report) is kept in ${kept}`;
