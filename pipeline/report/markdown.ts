import { reportDocument, type Block, type Inline } from './document.ts';
import { mdFence, mdTable, mdText } from './format.ts';
import type { ReportData } from './model.ts';

const inline = (part: Inline): string => (typeof part === 'string' ? mdText(part)
  : 'code' in part ? `\`${mdText(part.code).replace(/`/g, "'")}\`` : `**${mdText(part.strong)}**`);

/** One block as Markdown; every text from models, datasets and recipes is escaped on the way out. */
export function blockMarkdown(b: Block): string {
  if (b.kind === 'heading') return `${'#'.repeat(b.level)} ${mdText(b.text)}`;
  if (b.kind === 'para') return b.parts.map(inline).join('');
  if (b.kind === 'table') return mdTable(b.header, b.rows);
  return mdFence(b.lang, b.text);
}

export function renderMarkdown(d: ReportData, title: string): string {
  return `${reportDocument(d, title).map(blockMarkdown).join('\n\n')}\n`;
}
