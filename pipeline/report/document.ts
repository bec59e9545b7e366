import { agreementSentence, dropSentence, ms, num, pct, pval } from './format.ts';
import type { ReportData } from './model.ts';

/** The report as a document: blocks of plain text, tables and code built from ReportData once. report.md and
 *  report.html are two renderings of it (render-markdown.ts, html.ts); neither re-parses the other. */
export type Inline = string | { code: string } | { strong: string };
export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'para'; parts: Inline[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'code'; lang: string; text: string }
  /** images with what each model said: a table in Markdown, thumbnails in HTML (collapsed); `total` counts all */
  | { kind: 'images'; rows: ReportData['images']; total: number }
  /** charts drawn in report.html from the embedded data (Markdown has none) */
  | { kind: 'charts'; charts: { id: string; title: string }[] }
  /** the section headings that follow, as links */
  | { kind: 'toc'; entries: string[] };

/** The anchor of a heading: what report.html gives it and GitHub-style Markdown renderers derive from it. */
export const anchor = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

/** Cards with thumbnails in report.html, rows in report.md: every flip is in report.json and predictions.npz. */
export const IMAGES_SHOWN = 100;

const h = (level: 1 | 2, text: string): Block => ({ kind: 'heading', level, text });
const p = (...parts: Inline[]): Block => ({ kind: 'para', parts });
const table = (header: string[], rows: string[][]): Block => ({ kind: 'table', header, rows });

function busyNote(d: ReportData): Inline[] {
  const f = d.perf?.others_busy_fraction;
  if (!d.perf || f === undefined || f === null) return [];
  return d.perf.busy
    ? [
        ' ',
        { strong: 'Measured on a busy machine' },
        ` (other processes used ${Math.round(f * 100)} % of the CPU meanwhile): these timings are not the machine's and were not cached.`,
      ]
    : [` Machine load from other processes while timing: ${Math.round(f * 100)} %.`];
}

function zooTable(d: ReportData): Block[] {
  const where = !d.perf
    ? 'not measured'
    : d.perf.label === 'board'
      ? `board: ${d.perf.cpu}, hrt_model_exec perf, ${d.perf.cores ?? 'an unrecorded number of'} threads for the multi-thread columns`
      : `host: ${d.perf.cpu}, ${d.perf.cores} cores, ${d.perf.runtime ?? 'ONNX Runtime (CPU)'}, ${
          d.calibration?.host_model
            ? "the emulate host int8 model built beside the bpu one from the same calibration pass (quantize/model_int8_host.onnx, quantize.host_model); Quantization accuracy is the emulate bpu model's"
            : `the int8 model below${d.calibration?.emulate === 'bpu' ? " (built to predict the board's accuracy, not for host speed: emulate host is, or quantize.host_model beside it)" : ''}`
        }`;
  const label = d.perf?.label ?? 'n/a';
  const ref = d.reference;
  const emulating = d.calibration?.emulate ? `, int8 emulating ${d.calibration.emulate}` : '';
  const ours = [
    ref ? `${d.model} (this run, ${label}/${d.backend}${emulating})` : d.model,
    d.size ?? 'n/a',
    String(d.categories ?? 'n/a'),
    num(d.params.millions),
    pct(d.float?.top1),
    pct(d.quant?.top1),
    ms(d.perf?.single_ms),
    ms(d.perf?.multi_ms),
    num(d.perf?.fps),
  ];
  const theirs = ref
    ? [
        [
          `${d.model} (${ref.source})`,
          ref.size ?? 'n/a',
          String(ref.categories ?? 'n/a'),
          num(ref.params_M),
          pct(ref.float_top1),
          pct(ref.quant_top1),
          ms(ref.latency_1thread_ms),
          ms(ref.latency_multithread_ms),
          num(ref.fps),
        ],
      ]
    : [];
  const columnWhere = ref ? '' : `, ${label}`; // with a reference row each row says where it was measured
  return [
    table(
      [
        'Model',
        'Size',
        'Categories',
        'Parameter (M)',
        'Floating point precision',
        'Quantization accuracy',
        `Latency/throughput (single-threaded${columnWhere})`,
        `Latency/throughput (multi-threaded${columnWhere})`,
        `Frame rate (FPS${columnWhere})`,
      ],
      [...theirs, ours],
    ),
    p(
      `Accuracy: Top-1 in %, ${evaluatedOn(d)}; Categories: the model's output classes. Latency/FPS: ${where}.`,
      ...(d.perf?.label === 'host'
        ? [` Host fp32: ${num(d.perf.float_single_ms)} ms single-threaded; int8 speed-up ${num(d.perf.speedup)}x.`]
        : []),
      ...busyNote(d),
      ...(d.reparameterized
        ? [
            ` Exported re-parameterized (the deployed form): ${d.reparameterized.modules} modules fused; fused vs unfused outputs: min cosine ${num(d.reparameterized.min_cosine, 6)}, max |Δ| ${num(d.reparameterized.max_abs_diff, 6)} (an absolute difference: it scales with the outputs, which random weights make huge; the cosine is the comparable figure).`,
          ]
        : []),
    ),
  ];
}

const ci = (c: [number, number]): string => `${pct(c[0])}–${pct(c[1])}`;

/** int8 scored against float's answers on every image: all an unlabelled set can say, and a check beside Top-1. */
function agreementTable(d: ReportData, a: NonNullable<ReportData['int8_vs_float']>): Block {
  return table(
    [
      'int8 against float',
      'top-1 agreement %',
      '95 % CI',
      "float's top-1 in int8's top-5 %",
      '95 % CI',
      'mean output cosine',
      'mean KL (nats)',
    ],
    [
      [
        `${d.n} images`,
        pct(a.top1),
        ci(a.top1_ci95),
        pct(a.top5),
        ci(a.top5_ci95),
        num(d.mean_output_cosine, 6),
        num(d.mean_kl, 6),
      ],
    ],
  );
}

/** What the int8 model was fed: the board's input path under emulate bpu, and what a lossy one costs. */
function inputPathNote(d: ReportData, a: NonNullable<ReportData['int8_vs_float']>): Block {
  const path = d.input_path;
  if (!path)
    return p(
      d.calibration?.emulate === 'bpu'
        ? "Input path: the training input, for both models: the board's input path could not be emulated (nv12 needs an even height and width; the run warned)."
        : 'Input path: the training input, for both models (emulate host).',
    );
  const how =
    path.type === 'nv12'
      ? 'RGB → NV12 (chroma averaged over 2×2, BT.601 full range, every value a byte) → YUV444 → back to the training colour inside the model'
      : path.type === 'yuv444'
        ? 'RGB → YUV444 (BT.601 full range, every value a byte) → back to the training colour inside the model'
        : 'the image as bytes, as the board gets it';
  const t = path.training_input;
  const cost = t
    ? ` Through it int8 agrees with float on ${pct(a.top1)} % of the images (mean output cosine ${num(d.mean_output_cosine, 6)}); fed the training input instead, on ${pct(t.agreement)} % (cosine ${num(t.mean_output_cosine, 6)}).`
    : '';
  return p(
    `Input path: ${path.type} (the board's input_type_rt): float is fed the training input, int8 what the board feeds it: ${how}.${cost}`,
  );
}

function pairedSection(d: ReportData): Block[] {
  const a = d.int8_vs_float;
  if (!a) return [p('No evaluation dataset in the recipe: accuracy was not measured.')];
  if (!d.float || !d.quant || !d.flips)
    return [
      p(
        "No image of the evaluation set has a label, so Top-1 is not measured: int8 is scored against float's answers.",
      ),
      agreementTable(d, a),
      inputPathNote(d, a),
    ];
  return [
    table(
      ['', 'Top-1 %', '95 % CI', 'Top-5 %', '95 % CI'],
      [
        ['float', pct(d.float.top1), ci(d.float.top1_ci95), pct(d.float.top5), ci(d.float.top5_ci95)],
        [`int8 (${d.backend})`, pct(d.quant.top1), ci(d.quant.top1_ci95), pct(d.quant.top5), ci(d.quant.top5_ci95)],
      ],
    ),
    table(
      ['both right', 'float right, int8 wrong', 'int8 right, float wrong', 'both wrong', 'McNemar p'],
      [
        [
          String(d.flips.both_right),
          String(d.flips.float_only),
          String(d.flips.quant_only),
          String(d.flips.both_wrong),
          pval(d.mcnemar_p),
        ],
      ],
    ),
    p(d.drop ? `${dropSentence(d.drop, d.mcnemar_p)}.` : ''),
    agreementTable(d, a),
    inputPathNote(d, a),
    ...(d.labelled !== d.n
      ? [
          p(
            `${d.labelled} of the ${d.n} images have a label: Top-1, the flips and per class count those; agreement counts all.`,
          ),
        ]
      : []),
  ];
}

function nodesSection(d: ReportData, limit = 20): Block[] {
  if (d.nodes.length === 0) return [p('No per-node table (no quantized model).')];
  const worst = [...d.nodes].sort((a, b) => a.cosine - b.cosine).slice(0, limit);
  const out = d.output_similarity;
  return [
    p(
      `Worst ${worst.length} of ${d.nodes.length} nodes (cosine of each node's output, float vs fake-quant int8, on the first calibration samples):`,
    ),
    table(
      ['Node', 'Type', 'Cosine Similarity', 'Threshold', 'DataType'],
      worst.map((r) => [r.node, r.type, num(r.cosine, 6), num(r.threshold, 5), r.dtype]),
    ),
    ...(out
      ? [
          table(
            ['Output', 'Cosine Similarity', 'L1 Distance', 'L2 Distance', 'Chebyshev Distance'],
            [['output', num(out.cosine, 6), num(out.l1, 6), num(out.l2, 6), num(out.chebyshev, 6)]],
          ),
        ]
      : []),
  ];
}

function keptFloat(d: ReportData): Block[] {
  const k = d.kept_float;
  if (!k || (k.nodes.length === 0 && Object.keys(k.ops).length === 0)) return [];
  const ops = Object.entries(k.ops)
    .map(([op, n]) => `${op} (${n})`)
    .join(', ');
  return [
    p(
      `Kept float: ${k.nodes.length} node(s) by ${d.calibration?.emulate === 'bpu' ? 'the X5 CPU-op list / run_on_cpu / node_info ON: CPU' : 'quantize.float_op_types / run_on_cpu / node_info'}${k.nodes.length ? ` (${k.nodes.slice(0, 8).join(', ')}${k.nodes.length > 8 ? ', …' : ''})` : ''}.` +
        (ops
          ? d.calibration?.emulate === 'bpu'
            ? ` In the int8 file every other op's inputs and weights sit on the int8 grid (Q/DQ pairs), which is what the board computes with; ONNX Runtime has no int8 kernel for some of them and executes them in float arithmetic on those int8 values: ${ops}. That changes this machine's speed, not the numbers.`
            : ` ONNX Runtime runs these op types in float here (no int8 kernel, or slower in int8): ${ops}.`
          : ''),
    ),
  ];
}

/** The zoo's precision choices by node name, and whether each reached this export (the node_names stage). */
function nodeNames(d: ReportData): Block[] {
  const n = d.node_names;
  if (!n) return [];
  const total = Object.values(n.count).reduce((sum, k) => sum + k, 0);
  const how = [
    n.count.exact && `${n.count.exact} by the same name`,
    n.count.hb_mapper && `${n.count.hb_mapper} as the node hb_mapper makes it from`,
    n.count.translated && `${n.count.translated} translated to this export's names`,
  ].filter(Boolean);
  return [
    p(
      `Node names (quantize.node_info / run_on_cpu): ${total}; applied ${how.join(', ') || 'to none'}` +
        (n.dropped.length ? `; dropped (quantize.unresolved_nodes: drop): ${n.dropped.join(', ')}` : '') +
        '. Each name, what it became and why: node_names/node_names.json.',
    ),
  ];
}

/** What quantize.host_placement takes to build the kept placement again without timing. */
function pinOf(h: NonNullable<NonNullable<ReportData['calibration']>['host_speed']>) {
  return { float_op_types: h.chosen, float_nodes: h.float_nodes, regrouped: h.regrouped };
}

function hostSpeed(d: ReportData): Block[] {
  const h = d.calibration?.host_speed;
  if (!h) return [];
  return [
    p(
      `Measured for emulate host in ${h.runtime} (1 thread, quantize stage; the least of up to three medians): fp32 ${num(h.fp32_ms)} ms; int8 ${num(h.int8_ms)} ms with int8 on ${h.label}` +
        `${h.int8_ms > h.fp32_ms ? ' (still slower than fp32: no placement tried beats it on this machine)' : ''}.` +
        `${Object.keys(h.regrouped).length ? ` ${Object.keys(h.regrouped).length} narrow grouped convolution(s) run with fewer, wider groups (block-diagonal weights: the same values; ONNX Runtime's int8 kernels are faster on wide groups).` : ''}` +
        ` Kept: ${h.decided_by}.` +
        `${h.close.length ? ` The choice was close: ${h.close.join('; ')} timed within ${Math.round(h.margin * 100)} % of it, so another machine or a busy one may pick differently. Pin it (below) to build this same file everywhere.` : ''} Tried:`,
    ),
    table(
      ['int8 on', 'op types kept float', 'dense nodes kept float', 'grouped convs widened', 'int8 ms'],
      h.tried.map((t) => [
        t.label,
        t.float_op_types.join(', ') || '-',
        String(t.float_nodes),
        String(t.regrouped),
        num(t.int8_ms),
      ]),
    ),
    p(
      'To build this placement again without timing (every cold run and every machine the same int8 file), add to the recipe:',
    ),
    { kind: 'code', lang: 'yaml', text: `quantize:\n  host_placement: ${JSON.stringify(pinOf(h))}` },
  ];
}

const EMULATE_TEXT = {
  bpu: "Emulates the RDK X5 BPU (quantize.emulate: bpu): every op the BPU runs in int8 has int8 inputs and weights in the file (Q/DQ pairs), grouped and depthwise convolutions included; signed int8 activations, per-channel int8 weights, int16 where node_info or set_all_nodes_int16 ask; float only for what the X5 runs on its CPU. Its accuracy predicts the board's; its host latency is not the fastest this machine can do.",
  host: "Built for this machine (quantize.emulate: host): uint8 activations as ONNX Runtime's x86 kernels fuse them, and float kept where int8 measured slower here. Its accuracy is not the board's.",
} as const;

function calibrationSection(d: ReportData): Block[] {
  if (!d.calibration) return [];
  const c = d.calibration;
  const precisions = c.precisions
    ? Object.entries(c.precisions)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')
    : '';
  return [
    p(
      `${c.selected} (calibrated on ${c.samples ?? 'n/a'} samples${searchTime(c)})${c.bias_corrected ? "; bias_correction: each Conv/Gemm bias absorbs its int8 weights' mean error" : ''}` +
        `${c.equalized !== null ? `; cross-layer equalization: ${c.equalized} Conv-Relu-Conv chain(s)` : ''}`,
    ),
    ...(c.emulate
      ? [p(EMULATE_TEXT[c.emulate], precisions ? ` Quantize nodes in the int8 model: ${precisions}.` : '')]
      : []),
    table(
      ['method', 'per_channel', 'asymmetric', 'output cosine (search images)', 'images scored'],
      c.search.map((s) => [
        s.method,
        String(s.per_channel),
        String(s.asymmetric),
        num(s.output_cosine, 6),
        String(s.scored_on),
      ]),
    ),
    ...keptFloat(d),
    ...nodeNames(d),
    ...hostSpeed(d),
    ...imageUse(d),
  ];
}

/** How long the calibration pass and the search over its candidates took, as a clause of the calibration line. */
function searchTime(c: NonNullable<ReportData['calibration']>): string {
  if (c.search_seconds === null) return '';
  const tried = c.search.length > 1 ? `searching ${c.search.length} candidates` : 'quantizing';
  const timed = c.host_speed && c.host_speed.tried.length > 1 ? ', timing the float placement' : ''; // measured in the same span
  return `; calibrating${timed} and ${tried} took ${c.search_seconds.toFixed(1)} s`;
}

function imageUse(d: ReportData): Block[] {
  const u = d.image_use;
  const parts = [
    u.calibration !== null
      ? `calibration set: ${u.calibration} distinct images${u.duplicates_skipped ? ` (${u.duplicates_skipped} copies skipped)` : ''}`
      : '',
    u.ranges !== null
      ? `ranges from all ${u.ranges}${u.search_scored_on ? `, the method search scored on the last ${u.search_scored_on} of them (as hb_mapper scores on its calibration images)` : ''}`
      : '',
    u.export_check ? `export check: ${u.export_check}` : '',
    u.simplify_check ? `simplify check: ${u.simplify_check}` : '',
  ].filter(Boolean);
  return parts.length ? [p(`Images used: ${parts.join('; ')}.`)] : [];
}

export function sensitivityBlock(rows: ReportData['sensitivity'], limit = 20): Block {
  return table(
    [
      'rank',
      'node',
      'type',
      'Top-1 drop (only this node int8)',
      'output cosine (single)',
      'SQNR dB (single)',
      'cumulative cosine (entire)',
    ],
    rows
      .slice(0, limit)
      .map((r) => [
        String(r.rank),
        r.node,
        r.type,
        pct(r.single_top1_drop),
        num(r.single_cosine, 6),
        num(r.single_sqnr_db, 1),
        num(r.entire_cosine, 6),
      ]),
  );
}

/** A run with failed or skipped stages says so first: its numbers are partial. */
function incompleteNote(d: ReportData): Block[] {
  if (d.incomplete.length === 0) return [];
  return [
    p(
      { strong: 'Incomplete run' },
      `: ${d.incomplete.map((s) => `${s.stage} ${s.status}${s.reason ? ` (${s.reason})` : ''}`).join('; ')}. Figures from those stages are missing below.`,
    ),
  ];
}

function skippedNote(d: ReportData): Block[] {
  if (d.skipped_images.length === 0) return [];
  const shown = d.skipped_images.slice(0, 10).flatMap((f, i): Inline[] => [...(i ? [', '] : []), { code: f }]);
  return [
    p(
      `${d.skipped_images.length} evaluation image(s) were skipped as unreadable: `,
      ...shown,
      `${d.skipped_images.length > 10 ? ', …' : ''}.`,
    ),
  ];
}

function imagesSection(d: ReportData): Block[] {
  if (d.images.length === 0) return [p('No image flipped, and no evaluation images to show.')];
  const count = (kind: string): number => d.images.filter((r) => r.kind === kind).length;
  const similar = count('least similar outputs');
  const wrong = count('both wrong');
  const flips = d.images.length - similar - wrong;
  const shown = d.images.slice(0, IMAGES_SHOWN);
  const cut =
    d.images.length > shown.length
      ? ` ${d.images.length} images; the first ${shown.length} shown (all are in report.json, every image's answers in evaluate/predictions.npz).`
      : '';
  return [
    p(
      `${flips} image(s) flipped between float and int8${similar ? `, the ${similar} with the least similar outputs` : ''}${wrong ? `, and ${wrong} that both get wrong (those float is surest of: hard cases or label errors)` : ''}; each as the model saw it (its crop), with both top-5s and probabilities.${cut}`,
    ),
    { kind: 'images', rows: shown, total: d.images.length },
  ];
}

function sensitivitySection(d: ReportData): Block[] {
  return [
    d.sensitivity.length
      ? p('Each node quantized alone on the validation subset, ranked by Top-1 drop, then output cosine:')
      : p('Not measured: zooforge sensitivity <recipe> ranks the nodes.'),
    ...(d.sensitivity.length ? [sensitivityBlock(d.sensitivity)] : []),
    { kind: 'charts', charts: [{ id: 'chart-sensitivity', title: SENSITIVITY_CHART }] },
  ];
}

const SENSITIVITY_CHART = 'Per-layer sensitivity: output SQNR with only that node int8 (dB, lower = more sensitive)';

function perClassSection(d: ReportData): Block[] {
  if (d.per_class.length === 0) return [p('No labelled images: no per-class figures.')];
  return [
    table(
      ['class', 'n', 'float %', 'int8 %', 'drop'],
      d.per_class.map((c) => [c.class, String(c.n), pct(c.float), pct(c.quant), pct(c.drop)]),
    ),
  ];
}

/** The verdict in one sentence: the drop with its interval, else agreement without labels, else why neither. */
function verdict(d: ReportData): string {
  if (d.drop) return dropSentence(d.drop, d.mcnemar_p);
  if (d.int8_vs_float && d.n !== null) return agreementSentence(d.int8_vs_float, d.n);
  return notMeasured(d);
}

/** The summary a team reads in a minute, then a table of contents, then the detail; provenance last. */
export function reportDocument(d: ReportData, title: string): Block[] {
  const sections: [string, Block[]][] = [
    ['Float vs int8, paired', [...pairedSection(d), ...skippedNote(d)]],
    ['Images to look at', imagesSection(d)],
    [
      'Calibration',
      [...calibrationSection(d), { kind: 'charts', charts: [{ id: 'chart-histograms', title: HISTOGRAM_CHART }] }],
    ],
    ['Per-node similarity', nodesSection(d)],
    ['Per-layer sensitivity', sensitivitySection(d)],
    ['Per class', perClassSection(d)],
    ['Preprocessing record', [{ kind: 'code', lang: 'json', text: JSON.stringify(d.preprocessing, null, 2) }]],
    [
      'Tool versions',
      [
        table(
          ['tool', 'version'],
          Object.entries(d.tools).map(([k, v]) => [k, v ?? 'not installed']),
        ),
      ],
    ],
    [
      'Provenance',
      [
        p(
          'Every number above comes from a stage result recorded in ',
          { code: 'manifest.json' },
          ' under these cache keys:',
        ),
        table(
          ['stage', 'key'],
          Object.entries(d.provenance).map(([k, v]) => [k, v ? `\`${v}\`` : '—']),
        ),
      ],
    ],
  ];
  return [
    h(1, title),
    ...incompleteNote(d),
    ...d.banners.map((b) => p({ strong: 'Read this first' }, `: ${b}`)),
    p({ strong: 'Summary' }, `: ${verdict(d)}.`),
    ...zooTable(d),
    {
      kind: 'charts',
      charts: [
        {
          id: 'chart-cosine',
          title: 'Per-node output cosine, int8 vs float, in graph order (grey: kept float; worst named)',
        },
        { id: 'chart-classes', title: 'Per-class Top-1 change, int8 − float (points)' },
      ],
    },
    { kind: 'toc', entries: sections.map(([t]) => t) },
    ...sections.flatMap(([t, blocks]) => [h(2, t), ...blocks]),
  ];
}

const HISTOGRAM_CHART = 'Calibration histograms of the worst nodes (|x|, log counts; dashed: clip threshold)';

/** Why there is no accuracy: a stage that did not finish, else no evaluation set. */
function notMeasured(d: ReportData): string {
  const stopped = d.incomplete.find((s) =>
    ['calibration', 'quantize', 'horizon', 'evaluate', 'hb_evaluate'].includes(s.stage),
  );
  return stopped
    ? `accuracy not measured: ${stopped.stage} ${stopped.status} (see the report)`
    : 'accuracy not measured (no evaluate.dataset)';
}

/** "on 300 images", "on 120 labelled of 300 images", "on 300 unlabelled images". */
function evaluatedOn(d: ReportData): string {
  if (d.n === null) return 'on n/a images';
  if (!d.float) return `on ${d.n} unlabelled images`;
  return d.labelled === d.n ? `on ${d.n} images` : `on ${d.labelled} labelled of ${d.n} images`;
}

/** The run's result in two lines for the terminal: the zoo-table row and the verdict. */
export function headline(d: ReportData): string {
  const row =
    `${d.model}: ${num(d.params.millions)} M params, ${d.size}, ${d.categories ?? 'n/a'} classes; float ${pct(d.float?.top1)} %, int8 ${pct(d.quant?.top1)} % ${evaluatedOn(d)}` +
    (d.perf ? `; ${d.perf.label} latency ${num(d.perf.single_ms)} ms (1 thread), ${num(d.perf.fps)} FPS` : '');
  return `${row}\n${verdict(d)}`;
}
