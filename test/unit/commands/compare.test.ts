import { describe, expect, it } from 'vitest';
import { type CompareRow, compareCsv, compareRows, compareTable } from '../../../pipeline/commands/compare.ts';

const row = (run: string, quant: number | null, settings: Record<string, string>): CompareRow => ({
  run,
  model: 'M',
  n: 100,
  labelled: 100,
  params_m: 1,
  backend: 'ort',
  calibration: 'max',
  float_top1: 90,
  quant_top1: quant,
  drop: quant === null ? null : 90 - quant,
  float_only: 1,
  quant_only: 0,
  mcnemar_p: 1,
  latency_ms: null,
  latency_on: null,
  settings,
});

describe('compare (issue 24.12)', () => {
  it('keeps only the settings that differ, and sorts by int8 Top-1 with runs without one last', () => {
    const rows = compareRows([
      row('a', 80, { 'model.name': '"M"', 'quantize.calibration_type': '"kl"' }),
      row('b', null, { 'model.name': '"M"', 'quantize.calibration_type': '"max"' }),
      row('c', 85, { 'model.name': '"M"', 'quantize.calibration_type': '"max"', 'evaluate.limit': '500' }),
    ]);
    expect(rows.map((r) => r.run)).toEqual(['c', 'a', 'b']);
    expect(rows[0].settings).toEqual({ 'evaluate.limit': '500', 'quantize.calibration_type': '"max"' });
    expect(rows[1].settings).toEqual({ 'evaluate.limit': '(unset)', 'quantize.calibration_type': '"kl"' });
    expect(compareTable(rows)).toContain('Sorted by int8 Top-1, highest first');
  });

  it('writes CSV a spreadsheet reads back: fields with commas, quotes or line breaks quoted', () => {
    const csv = compareCsv([row('a,"b"', 80, { k: '"x\ny"' })]).split('\n');
    expect(csv[0]).toContain(',"int8 latency (ms, 1 thread)",'); // a header with a comma is quoted too
    expect(csv[1]).toMatch(/^"a,""b""",M,100,/);
    expect(csv.slice(1).join('\n')).toContain('"k=""x\ny"""');
  });
});
