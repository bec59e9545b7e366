import { expect, it } from 'vitest';
import { headline } from '../../../pipeline/report/document.ts';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

// One sign convention and one interval in every output (issue 23.4): the drop is float minus int8, from zooforge/evaluation/stats.py.
it('the headline and report.md say the same drop, interval and verdict', () => {
  const said =
    'Top-1 drop 1.00 points (95 % CI -0.98 to 2.16), McNemar p 0.4500: not significant on this set (indistinguishable from noise)';
  expect(headline(sample())).toContain(said);
  const md = renderMarkdown(sample(), 'T');
  expect(md).toContain(said);
  expect(md).not.toMatch(/difference/i);
});

it('a significant gain reads as a negative drop, and significant', () => {
  const gain = { ...sample(), drop: { points: -30, lo: -30, hi: -2.45 }, mcnemar_p: 0.03125 };
  expect(headline(gain)).toContain('Top-1 drop -30.00 points (95 % CI -30.00 to -2.45), McNemar p 0.0313: significant');
});
