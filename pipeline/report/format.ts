export const pct = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);
export const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);
export const pval = (p: number | null | undefined): string =>
  p === null || p === undefined ? 'n/a' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4);

/** Text from models, datasets and recipes as Markdown text: no raw HTML, no line breaks, no cell-ending `|`. */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n|\r/g, ' ');
}

export const mdCell = (s: string): string => mdText(s).replace(/\|/g, '\\|');

export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A fenced block that no backtick run inside `text` can close early. */
export function mdFence(lang: string, text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** One sentence on whether a Top-1 difference is distinguishable from noise. */
export function verdict(p: number | null, delta: number | null): string {
  if (p === null || delta === null) return '';
  if (p >= 0.05)
    return `The difference (${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points) is not significant (McNemar p = ${pval(p)}): indistinguishable from noise on this set.`;
  return `The difference (${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points) is significant (McNemar p = ${pval(p)}).`;
}
