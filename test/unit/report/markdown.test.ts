import { describe, expect, it } from 'vitest';
import { variantNames } from '../../../pipeline/commands/sweep.ts';
import { mdFence, mdTable } from '../../../pipeline/report/format.ts';

describe('Markdown from hostile names', () => {
  it('escapes raw HTML and cell-ending pipes in table cells', () => {
    const t = mdTable(['node', 'type'], [['/a | b/<script>alert(1)</script>', 'Conv\nnext']]);
    const row = t.split('\n')[2];
    expect(row).toBe('| /a \\| b/&lt;script&gt;alert(1)&lt;/script&gt; | Conv next |');
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(2); // still two cells
  });

  it('fences code with more backticks than it contains', () => {
    expect(mdFence('json', '"a```b"')).toBe('````json\n"a```b"\n````');
  });
});

describe('sweep variant names', () => {
  it('are readable and unique, with a short hash only where two would collide', () => {
    const names = variantNames([
      ['preprocess.mean=[0.2860]'],
      ['preprocess.mean=[1.2860]'],
      ['preprocess.mean=[1 2860]'],
    ]);
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toBe('mean=0.2860');
    expect(variantNames([['quantize.calibration_type=kl', 'quantize.per_channel=false']])).toEqual([
      'calibration_type=kl,per_channel=false',
    ]);
    expect(variantNames([['sensitivity.budget_s=0.5'], ['sensitivity.budget_s=1.5']])).toEqual([
      'budget_s=0.5',
      'budget_s=1.5',
    ]);
  });
});
