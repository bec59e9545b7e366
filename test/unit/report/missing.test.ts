import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

describe('a missing figure', () => {
  it('is null in the report data and n/a on the page, never NaN', () => {
    const board = {
      label: 'board' as const,
      cpu: 'rdk-x5',
      cores: null,
      single_ms: 1.5,
      multi_ms: null,
      fps: null,
      float_single_ms: null,
      speedup: null,
    };
    const d = { ...sample(), perf: board, size: null };
    const json = JSON.parse(JSON.stringify(d));
    expect(json.perf).toMatchObject({ cores: null, multi_ms: null, fps: null, speedup: null });
    const md = renderMarkdown(d, 'T');
    expect(md).not.toContain('NaN');
    expect(md).toMatch(/\| n\/a \| 3 \|.*\| 1\.50 ms \| n\/a \| n\/a \|/); // size, then the latency and FPS columns
    expect(md).toContain('an unrecorded number of threads');
  });
});
