import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VENV_PYTHON } from '../../../pipeline/paths.ts';
import { renderHtml } from '../../../pipeline/report/html.ts';
import type { ReportData } from '../../../pipeline/report/model.ts';
import { tmp } from '../../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';

function sample(): ReportData {
  const nodes = Array.from({ length: 12 }, (_, i) => ({
    node: `/layer${i}/Conv`,
    type: 'Conv',
    cosine: 1 - i * 0.001,
    threshold: 3 + i,
    dtype: i === 5 ? 'float' : 'uint8',
  }));
  return {
    schema: 'zooforge-report/1',
    model: 'M<script>',
    backend: 'ort',
    size: '28x28',
    categories: 3,
    params: { total: 1000, millions: 0, initializers: 4 },
    n: 300,
    float: { top1: 90, top5: 99, top1_ci95: [86, 93], top5_ci95: [97, 99.7] },
    quant: { top1: 89, top5: 99, top1_ci95: [85, 92], top5_ci95: [97, 99.7] },
    flips: { float_only: 5, quant_only: 2, both_right: 265, both_wrong: 28 },
    mcnemar_p: 0.45,
    agreement: 0.98,
    mean_output_cosine: 0.999,
    calibration: {
      method: 'max',
      per_channel: true,
      selected: 'Select max, per_channel method.',
      search: [],
      samples: 80,
      emulate: 'bpu',
      asymmetric: false,
      precisions: { int8: 10 },
      host_speed: null,
      bias_corrected: null,
      equalized: null,
      host_model: false,
    },
    perf: null,
    output_similarity: { cosine: 0.999, l1: 0.1, l2: 0.01, chebyshev: 0.5 },
    nodes,
    histograms: [
      {
        node: '/layer11/Conv',
        tensor: 't',
        cosine: 0.989,
        abs_max: 8,
        counts: Array.from({ length: 64 }, (_, i) => 1000 >> Math.min(i, 10)),
        range: [0, 6],
      },
    ],
    per_class: [
      { class: 'a', n: 100, float: 90, quant: 88, delta: -2 },
      { class: 'b', n: 100, float: 85, quant: 86, delta: 1 },
      { class: 'c', n: 100, float: 95, quant: 93, delta: -2 },
    ],
    sensitivity: [
      {
        rank: 1,
        node: '/layer11/Conv',
        type: 'Conv',
        single_top1_drop: 0.3,
        single_cosine: 0.999,
        single_sqnr_db: 30.5,
        entire_cosine: 0.99,
      },
    ],
    preprocessing: {
      input_name: 'data',
      output_name: 'output',
      input_shape: [1, 1, 28, 28],
      size: [28, 28],
      crop_pct: 1,
      crop_mode: 'center',
      interpolation: 'bilinear',
      mean: [0.286],
      std: [0.353],
      colour: 'gray',
      layout: 'NCHW',
      source: 'recipe',
    },
    tools: { onnxruntime: '1.32.0' },
    provenance: { evaluate: 'abc' },
    incomplete: [],
    skipped_images: [],
    reference: null,
    kept_float: null,
    reparameterized: null,
    images: [],
    image_use: {
      calibration: null,
      duplicates_skipped: null,
      ranges: null,
      search_scored_on: null,
      export_check: null,
      simplify_check: null,
    },
  };
}

describe('report.html', () => {
  it('draws its charts in headless Chromium, with no network', async () => {
    const dir = tmp('zf-html-');
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(sample(), 'T'));
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, 'profile')}`,
    ];
    const dom = await execa(CHROMIUM, [...flags, '--dump-dom', `file://${file}`], { timeout: 120_000 });
    expect(dom.stdout).toMatch(/data-charts-drawn="4"/); // cosine + one histogram + per-class + sensitivity
    expect((dom.stdout.match(/class="point"/g) ?? []).length).toBe(12);
    expect((dom.stdout.match(/class="bar"/g) ?? []).length).toBe(64 + 3 + 1);
    expect(dom.stdout).toContain('M&lt;script&gt;');
    await execa(
      CHROMIUM,
      [...flags, '--window-size=1100,2200', `--screenshot=${join(dir, 'shot.png')}`, `file://${file}`],
      { timeout: 120_000 },
    );
    // the screenshot is the page as drawn: the requested size, and far more than a blank page's handful of colours
    const shot = await execa(VENV_PYTHON, [
      '-c',
      'import sys; from PIL import Image; im = Image.open(sys.argv[1]).convert("RGB"); print(im.size[0], im.size[1], len(im.getcolors(1 << 24)))',
      join(dir, 'shot.png'),
    ]);
    const [width, height, colours] = shot.stdout.trim().split(' ').map(Number);
    expect([width, height]).toEqual([1100, 2200]);
    expect(colours).toBeGreaterThan(50);
  });
});
