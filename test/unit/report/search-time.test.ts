import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

describe('the calibration line', () => {
  it('says how long calibrating and the method search took, and how many candidates it tried', () => {
    const d = sample();
    const row = { method: 'max', per_channel: true, asymmetric: false, output_cosine: 0.99, scored_on: 16 };
    const searched = { ...d, calibration: { ...d.calibration!, search: [row, row, row], search_seconds: 12.34 } };
    expect(renderMarkdown(searched, 'T')).toContain(
      'calibrated on 80 samples; calibrating and searching 3 candidates took 12.3 s',
    );
    expect(renderMarkdown(d, 'T')).toContain('calibrated on 80 samples; calibrating and quantizing took 2.5 s');
    // emulate host: the float placement is timed in the same span, and the line says so
    const tried = [1, 2].map((k) => ({ label: `p${k}`, float_op_types: [], float_nodes: 0, regrouped: 0, int8_ms: k }));
    const hs = {
      chosen: [],
      float_nodes: [],
      regrouped: {},
      label: 'p1',
      runtime: 'OpenVINO 2026.4.1 (CPU)',
      fp32_ms: 3,
      int8_ms: 1,
    };
    const host = { ...hs, decided_by: 'the fastest placement', margin: 0.1, close: [], tried };
    expect(renderMarkdown({ ...d, calibration: { ...d.calibration!, host_speed: host } }, 'T')).toContain(
      'calibrating, timing the float placement and quantizing took 2.5 s',
    );
    // a close choice is said with the margin the placement was decided by (the quantize stage's, not a second copy)
    const close = { ...host, margin: 0.25, close: ['p2'] };
    expect(renderMarkdown({ ...d, calibration: { ...d.calibration!, host_speed: close } }, 'T')).toContain(
      'The choice was close: p2 timed within 25 % of it',
    );
    // the runtime that timed the placement is named (quantize.host_runtime)
    expect(renderMarkdown({ ...d, calibration: { ...d.calibration!, host_speed: host } }, 'T')).toContain(
      'Measured for emulate host in OpenVINO 2026.4.1 (CPU) (1 thread',
    );
  });

  it('says nothing of time where hb_mapper calibrated', () => {
    const d = sample();
    const md = renderMarkdown({ ...d, calibration: { ...d.calibration!, search_seconds: null } }, 'T');
    expect(md).toContain('calibrated on 80 samples)');
    expect(md).not.toContain(' took ');
  });
});
