import { mdTable, num, pct } from './format.ts';

import type { z } from 'zod';
import type { SensitivityRow as Row } from '../contracts/workers.ts';

export type SensitivityRow = z.infer<typeof Row>;

export function sensitivityTable(rows: SensitivityRow[], limit = 20): string {
  return mdTable(['rank', 'node', 'type', 'Top-1 drop (only this node int8)', 'output cosine (single)', 'SQNR dB (single)', 'cumulative cosine (entire)'],
    rows.slice(0, limit).map((r) => [String(r.rank), r.node, r.type, pct(r.single_top1_drop), num(r.single_cosine, 6), num(r.single_sqnr_db, 1), num(r.entire_cosine, 6)]));
}
