import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../pipeline/report/html.ts';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import type { ReportData } from '../../../pipeline/report/model.ts';

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
  it('writes hostile image and class names as text, never as markup or an attribute break', () => {
    const file = 'q" onerror="alert(1)<script>.jpg';
    const row = {
      file: `/imgs/${file}`,
      kind: 'float right, int8 wrong',
      label: 1,
      label_name: '<b>cat</b>',
      cosine: 0.9,
      thumb: 'evaluate/thumbs/0000.jpg',
      float_top5: [{ class: 1, name: '<b>cat</b>', p: 0.9 }],
      quant_top5: [{ class: 2, name: 'dog | "x"', p: 0.8 }],
    };
    const html = renderHtml({ ...sample(), images: [row] }, 'T', () => 'data:image/jpeg;base64,AA==');
    expect(html).toContain(
      'alt="/imgs/q&quot; onerror=&quot;alert(1)&lt;script&gt;.jpg" src="data:image/jpeg;base64,AA=="',
    );
    expect(html).not.toContain('onerror="');
    expect(html).not.toContain('<b>cat</b>');
    expect(html).toContain('q&quot; onerror=&quot;alert(1)&lt;script&gt;.jpg');
    const md = renderMarkdown({ ...sample(), images: [row] }, 'T');
    expect(md).toMatch(
      /\| q" onerror="alert\(1\)&lt;script&gt;\.jpg \| float right, int8 wrong \| &lt;b&gt;cat&lt;\/b&gt; \|/,
    );
    expect(md).toContain('dog \\| "x" 80.0%');
  });
});
