import { anchor, type Block, type Inline, reportDocument } from './document.ts';
import { mdFence, mdTable, mdText } from './format.ts';
import type { ReportData } from './model.ts';

const inline = (part: Inline): string =>
  typeof part === 'string'
    ? mdText(part)
    : 'code' in part
      ? `\`${mdText(part.code).replace(/`/g, "'")}\``
      : `**${mdText(part.strong)}**`;

/** One block as Markdown; every text from models, datasets and recipes is escaped on the way out. */
export function blockMarkdown(b: Block): string {
  if (b.kind === 'heading') return `${'#'.repeat(b.level)} ${mdText(b.text)}`;
  if (b.kind === 'charts') return ''; // drawn in report.html only
  if (b.kind === 'toc') return `Contents: ${b.entries.map((e) => `[${mdText(e)}](#${anchor(e)})`).join(' · ')}`;
  if (b.kind === 'para') return b.parts.map(inline).join('');
  if (b.kind === 'table') return mdTable(b.header, b.rows);
  if (b.kind === 'images') {
    const guesses = (g: { name: string; p: number }[]): string =>
      g.map((x) => `${x.name} ${(x.p * 100).toFixed(1)}%`).join('; ');
    return mdTable(
      ['image', 'what', 'label', 'float top-5', 'int8 top-5', 'output cosine'],
      b.rows.map((r) => [
        r.file.split('/').pop() ?? r.file,
        r.kind,
        r.label_name ?? '—',
        guesses(r.float_top5),
        guesses(r.quant_top5),
        r.cosine.toFixed(4),
      ]),
    );
  }
  return mdFence(b.lang, b.text);
}

export function renderMarkdown(d: ReportData, title: string): string {
  return `${reportDocument(d, title)
    .map(blockMarkdown)
    .filter((text) => text !== '')
    .join('\n\n')}\n`;
}
