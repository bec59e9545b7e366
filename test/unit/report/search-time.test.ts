import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

describe('the calibration line', () => {
  it('says how long calibrating and the method search took, and how many candidates it tried', () => {
    const d = sample();
    const row = { method: 'max', per_channel: true, asymmetric: false, output_cosine: 0.99 };
    const searched = { ...d, calibration: { ...d.calibration!, search: [row, row, row], search_seconds: 12.34 } };
    expect(renderMarkdown(searched, 'T')).toContain(
      'calibrated on 80 samples; calibrating and searching 3 candidates took 12.3 s',
    );
    expect(renderMarkdown(d, 'T')).toContain('calibrated on 80 samples; calibrating and quantizing took 2.5 s');
  });

  it('says nothing of time where hb_mapper calibrated', () => {
    const d = sample();
    const md = renderMarkdown({ ...d, calibration: { ...d.calibration!, search_seconds: null } }, 'T');
    expect(md).toContain('calibrated on 80 samples)');
    expect(md).not.toContain(' took ');
  });
});
