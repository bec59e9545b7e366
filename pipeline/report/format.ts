export const pct = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);
export const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);
/** A latency with its unit, or n/a. */
export const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : `${v.toFixed(2)} ms`;
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

/** The one sentence every output uses for the paired result: the drop (float minus int8, positive: int8 is worse)
 *  with its interval and McNemar's p, both from zooforge/evaluation/stats.py, and whether it is distinguishable from noise. */
export function dropSentence(drop: { points: number; lo: number; hi: number }, p: number | null): string {
  const said = `Top-1 drop ${drop.points.toFixed(2)} points (95 % CI ${drop.lo.toFixed(2)} to ${drop.hi.toFixed(2)}), McNemar p ${pval(p)}`;
  if (p === null) return said;
  return `${said}: ${p >= 0.05 ? 'not significant on this set (indistinguishable from noise)' : 'significant'}`;
}

/** The one sentence for int8 against float on every image, labels or not (what an unlabelled set can say). */
export function agreementSentence(a: { top1: number; top1_ci95: [number, number]; top5: number }, n: number): string {
  return `int8 top-1 agrees with float on ${a.top1.toFixed(2)} % of ${n} images (95 % CI ${a.top1_ci95[0].toFixed(2)} to ${a.top1_ci95[1].toFixed(2)}); float's top-1 is in int8's top-5 on ${a.top5.toFixed(2)} %`;
}
