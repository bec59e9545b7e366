export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function progressText(message: string, done?: number, total?: number): string {
  return done !== undefined && total !== undefined ? `${message} ${done}/${total}` : message;
}
