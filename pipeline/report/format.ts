export const pct = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
export const num = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
export const pval = (p: number | null | undefined): string => (p === null || p === undefined ? 'n/a' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

export function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** One sentence on whether a Top-1 difference is distinguishable from noise. */
export function verdict(p: number | null, delta: number | null): string {
  if (p === null || delta === null) return '';
  if (p >= 0.05) return `The difference (${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points) is not significant (McNemar p = ${pval(p)}): indistinguishable from noise on this set.`;
  return `The difference (${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points) is significant (McNemar p = ${pval(p)}).`;
}
