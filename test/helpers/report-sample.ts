import type { PreprocessRecord } from '../../pipeline/contracts/common.ts';
import type { ReportData } from '../../pipeline/report/model.ts';

/** The demo recipe's preprocessing record (what its preprocess stage writes). */
export const FASHION_RECORD: PreprocessRecord = {
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
};

/** A report with every section filled: the HTML and Markdown tests render it. */
export function sample(): ReportData {
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
    labelled: 300,
    int8_vs_float: { top1: 98, top5: 100, top1_ci95: [95.7, 99.1], top5_ci95: [98.7, 100] },
    mean_kl: 0.002,
    input_path: { type: 'gray', training_input: null },
    banners: [],
    float: { top1: 90, top5: 99, top1_ci95: [86, 93], top5_ci95: [97, 99.7] },
    quant: { top1: 89, top5: 99, top1_ci95: [85, 92], top5_ci95: [97, 99.7] },
    flips: { float_only: 5, quant_only: 2, both_right: 265, both_wrong: 28 },
    mcnemar_p: 0.45,
    drop: { points: 1, lo: -0.98, hi: 2.16 }, // zooforge/evaluation/stats.py paired_drop(5, 2, 300), rounded
    agreement: 0.98,
    mean_output_cosine: 0.999,
    calibration: {
      method: 'max',
      per_channel: true,
      selected: 'Select max, per_channel method.',
      search: [],
      search_seconds: 2.5,
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
      { class: 'a', n: 100, float: 90, quant: 88, drop: 2 },
      { class: 'b', n: 100, float: 85, quant: 86, drop: -1 },
      { class: 'c', n: 100, float: 95, quant: 93, drop: 2 },
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
    preprocessing: FASHION_RECORD,
    tools: { onnxruntime: '1.32.0' },
    provenance: { evaluate: 'abc' },
    incomplete: [],
    skipped_images: [],
    reference: null,
    kept_float: null,
    node_names: null,
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
