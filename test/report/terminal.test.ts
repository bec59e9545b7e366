import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../pipeline/engine/events.ts';
import { PlainReporter } from '../../pipeline/report/terminal/plain.ts';

describe('the plain terminal view (CI, pipes)', () => {
  it('says one line per state change: the plan with reasons, starts, ends with durations, failures with their log tail', () => {
    const lines: string[] = [];
    const r = new PlainReporter((l) => lines.push(l));
    const events: EngineEvent[] = [
      { type: 'plan', stages: [{ id: 'export', title: 'Export', action: 'cached', reason: 'cached (key 3fa2…)' }, { id: 'perf', title: 'Perf', action: 'disabled', reason: 'evaluate.perf_runs is 0' }] },
      { type: 'stage-start', id: 'export', title: 'Export to ONNX', reason: 'cached' },
      { type: 'stage-progress', id: 'export', message: 'images', done: 1, total: 2 },
      { type: 'stage-progress', id: 'export', message: 'images', done: 2, total: 2 },
      { type: 'stage-warning', id: 'export', message: 'careful' },
      { type: 'stage-end', id: 'export', status: 'failed', durationMs: 1500, error: 'exporter broke', detail: 'line 1\nline 2' },
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
