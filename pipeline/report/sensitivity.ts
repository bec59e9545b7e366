import type { z } from 'zod';
import type { SensitivityRow as Row } from '../contracts/workers.ts';
import { sensitivityBlock } from './document.ts';
import { blockMarkdown } from './markdown.ts';

export type SensitivityRow = z.infer<typeof Row>;

/** The ranking as a Markdown table (zooforge sensitivity prints it; the report has the same block). */
export const sensitivityTable = (rows: SensitivityRow[], limit = 20): string =>
  blockMarkdown(sensitivityBlock(rows, limit));
