import { describe, expect, it } from 'vitest';
import { type CheckRow, stageTotals } from '../../../scripts/zoo/check.ts';

const row = (model: string, seconds: Record<string, number>): CheckRow => ({
  model,
  zooM: 1,
  oursM: 1,
  match: 'yes',
  stages: 'all passed',
  cosine: 0.99,
  fp32: 1,
  int8: 1,
  ok: true,
  seconds,
});

describe('zoo:check, where the time went', () => {
  it('sums each stage over the models that ran it, largest first, with its share and a total', () => {
    const table = stageTotals([row('a', { export: 10, quantize: 30 }), row('b', { quantize: 50, evaluate: 10 })]);
    const lines = table.split('\n');
    expect(lines[2]).toBe('| quantize | 2 | 80 | 80 % |');
    expect(lines[3]).toBe('| export | 1 | 10 | 10 % |');
    expect(lines[4]).toBe('| evaluate | 1 | 10 | 10 % |');
    expect(lines.at(-1)).toBe('| all stages |  | 100 | 100 % |');
  });
});
