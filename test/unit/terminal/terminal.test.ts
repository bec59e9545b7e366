import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../pipeline/engine/events.ts';
import { PlainReporter } from '../../../pipeline/terminal/plain.ts';

describe('the plain terminal view (CI, pipes)', () => {
  it('says one line per state change: the plan with reasons, starts, ends with durations, failures with their log tail', () => {
    const lines: string[] = [];
    const r = new PlainReporter((l) => lines.push(l));
    const events: EngineEvent[] = [
      {
        type: 'plan',
        stages: [
          { id: 'export', title: 'Export', action: 'cached', reason: 'cached (key 3fa2…)' },
          { id: 'perf', title: 'Perf', action: 'disabled', reason: 'evaluate.perf_runs is 0' },
        ],
      },
      { type: 'stage-start', id: 'export', title: 'Export to ONNX', reason: 'cached' },
      { type: 'stage-progress', id: 'export', message: 'images', done: 1, total: 2 },
      { type: 'stage-progress', id: 'export', message: 'images', done: 2, total: 2 },
      { type: 'stage-warning', id: 'export', message: 'careful' },
      {
        type: 'stage-end',
        id: 'export',
        status: 'failed',
        durationMs: 1500,
        error: 'exporter broke',
        detail: 'line 1\nline 2',
      },
      { type: 'stage-end', id: 'perf', status: 'disabled', durationMs: 0 },
      { type: 'run-end', status: 'failed', manifest: '/r/manifest.json', durationMs: 2000 },
    ];
    for (const e of events) r.onEvent(e);
    expect(lines[0]).toBe('plan  export       cached (key 3fa2…)');
    expect(lines[1]).toBe('plan  perf         off (evaluate.perf_runs is 0)');
    expect(lines[2]).toBe('start export       Export to ONNX');
    expect(lines.filter((l) => l.includes('images'))).toHaveLength(2); // the first, and the final one however soon it comes
    expect(lines).toContain('warn  export       careful');
    expect(lines.find((l) => l.startsWith('failed'))).toMatch(/^failed export\s+1\.5 s: exporter broke$/);
    expect(lines).toContain('      | line 1\n      | line 2');
    expect(lines.some((l) => l.includes('perf') && l.startsWith('disabled'))).toBe(false); // said once, in the plan
    expect(lines.at(-1)).toBe('failed in 2.0 s; manifest: /r/manifest.json');
  });
});

describe('progress a person can wait on (issue 24.9)', () => {
  it('shows the rate and the time left once a second of a counter has passed; a new counter starts again', async () => {
    const { ProgressRate } = await import('../../../pipeline/terminal/format.ts');
    let now = 0;
    const rate = new ProgressRate(() => now);
    expect(rate.text('evaluate', 'evaluating images', 64, 10000)).toBe('evaluating images 64/10000');
    now = 500;
    expect(rate.text('evaluate', 'evaluating images', 500, 10000)).toBe('evaluating images 500/10000'); // under a second
    now = 2000;
    expect(rate.text('evaluate', 'evaluating images', 1064, 10000)).toBe(
      'evaluating images 1064/10000 (500/s, about 17.9 s left)',
    );
    now = 22_000;
    expect(rate.text('evaluate', 'evaluating images', 10000, 10000)).toBe('evaluating images 10000/10000 (452/s)');
    expect(rate.text('quantize', 'quantizing (kl)', 1, 12)).toBe('quantizing (kl) 1/12');
    now = 32_000;
    expect(rate.text('quantize', 'quantizing (max)', 3, 12)).toBe('quantizing (max) 3/12 (0.2/s, about 45.0 s left)');
  });
});
