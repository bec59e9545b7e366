import { mdFence, mdTable, mdText, num, pct, pval, verdict } from './format.ts';
import type { ReportData } from './model.ts';
import { sensitivityTable } from './sensitivity.ts';

function busyNote(d: ReportData): string {
  const f = d.perf?.others_busy_fraction;
  if (!d.perf || f === undefined || f === null) return '';
  return d.perf.busy ? ` **Measured on a busy machine** (other processes used ${Math.round(f * 100)} % of the CPU meanwhile): these timings are not the machine's and were not cached.`
    : ` Machine load from other processes while timing: ${Math.round(f * 100)} %.`;
}

function zooTable(d: ReportData): string {
  const where = !d.perf ? 'not measured' : d.perf.label === 'board' ? `board: ${d.perf.cpu}, hrt_model_exec perf, ${d.perf.cores} threads for the multi-thread columns`
    : `host: ${d.perf.cpu}, ${d.perf.cores} cores, ORT CPU int8`;
  const label = d.perf?.label ?? 'n/a';
  return mdTable(
    ['Model', 'Size', 'Categories', 'Parameter (M)', 'Floating point precision', 'Quantization accuracy',
      `Latency/throughput (single-threaded, ${label})`, `Latency/throughput (multi-threaded, ${label})`, `Frame rate (FPS, ${label})`],
    [[d.model, d.size, String(d.categories ?? 'n/a'), num(d.params.millions), pct(d.float?.top1), pct(d.quant?.top1),
      d.perf ? `${num(d.perf.single_ms)} ms` : 'n/a', d.perf ? `${num(d.perf.multi_ms)} ms` : 'n/a', d.perf ? num(d.perf.fps) : 'n/a']],
  ) + `\n\nAccuracy: Top-1 in %, on ${d.n ?? 'n/a'} images. Latency/FPS: ${where}.${busyNote(d)}`;
}

function pairedSection(d: ReportData): string {
  if (!d.float || !d.quant || !d.flips) return 'No evaluation dataset in the recipe: accuracy was not measured.';
  const delta = d.quant.top1 - d.float.top1;
  return [
    mdTable(['', 'Top-1 %', '95 % CI', 'Top-5 %', '95 % CI'], [
      ['float', pct(d.float.top1), `${pct(d.float.top1_ci95[0])}–${pct(d.float.top1_ci95[1])}`, pct(d.float.top5), `${pct(d.float.top5_ci95[0])}–${pct(d.float.top5_ci95[1])}`],
      [`int8 (${d.backend})`, pct(d.quant.top1), `${pct(d.quant.top1_ci95[0])}–${pct(d.quant.top1_ci95[1])}`, pct(d.quant.top5), `${pct(d.quant.top5_ci95[0])}–${pct(d.quant.top5_ci95[1])}`],
    ]),
    '',
    mdTable(['both right', 'float right, int8 wrong', 'int8 right, float wrong', 'both wrong', 'McNemar p', 'Top-1 agreement', 'mean output cosine'], [[
      String(d.flips.both_right), String(d.flips.float_only), String(d.flips.quant_only), String(d.flips.both_wrong),
      pval(d.mcnemar_p), `${pct((d.agreement ?? 0) * 100)} %`, num(d.mean_output_cosine, 6)]]),
    '',
    verdict(d.mcnemar_p, delta),
  ].join('\n');
}

function nodesSection(d: ReportData, limit = 20): string {
  if (d.nodes.length === 0) return 'No per-node table (no quantized model).';
  const worst = [...d.nodes].sort((a, b) => a.cosine - b.cosine).slice(0, limit);
  const out = d.output_similarity;
  return [
    `Worst ${worst.length} of ${d.nodes.length} nodes (cosine of each node's output, float vs fake-quant int8, on the first calibration samples):`, '',
    mdTable(['Node', 'Type', 'Cosine Similarity', 'Threshold', 'DataType'], worst.map((r) => [r.node, r.type, num(r.cosine, 6), num(r.threshold, 5), r.dtype])),
    '', out ? mdTable(['Output', 'Cosine Similarity', 'L1 Distance', 'L2 Distance', 'Chebyshev Distance'], [['output', num(out.cosine, 6), num(out.l1, 6), num(out.l2, 6), num(out.chebyshev, 6)]]) : '',
  ].join('\n');
}

function calibrationSection(d: ReportData): string {
  if (!d.calibration) return '';
  const rows = d.calibration.search
    .map((s) => [s.method, String(s.per_channel), num(s.output_cosine, 6)]);
  return [`${d.calibration.selected} (calibrated on ${d.calibration.samples ?? 'n/a'} samples)`, '', mdTable(['method', 'per_channel', 'held-out output cosine'], rows)].join('\n');
}

/** A run with failed or skipped stages says so first: its numbers are partial. */
function incompleteNote(d: ReportData): string[] {
  if (d.incomplete.length === 0) return [];
  return [`**Incomplete run**: ${d.incomplete.map((s) => `${s.stage} ${s.status}${s.reason ? ` (${mdText(s.reason)})` : ''}`).join('; ')}. Figures from those stages are missing below.`, ''];
}

function skippedNote(d: ReportData): string[] {
  if (d.skipped_images.length === 0) return [];
  const shown = d.skipped_images.slice(0, 10).map((f) => `\`${mdText(f).replace(/`/g, "'")}\``).join(', ');
  return [`${d.skipped_images.length} evaluation image(s) were skipped as unreadable: ${shown}${d.skipped_images.length > 10 ? ', …' : ''}.`, ''];
}

export function renderMarkdown(d: ReportData, title: string): string {
  const perClass = d.per_class.length ? mdTable(['class', 'n', 'float %', 'int8 %', 'delta'], d.per_class.map((c) => [c.class, String(c.n), pct(c.float), pct(c.quant), `${c.delta >= 0 ? '+' : ''}${pct(c.delta)}`])) : '';
  return [
    `# ${mdText(title)}`, '', ...incompleteNote(d), zooTable(d), '',
    '## Float vs int8, paired', '', pairedSection(d), '', ...skippedNote(d),
    '## Calibration', '', calibrationSection(d), '',
    '## Per-node similarity', '', nodesSection(d), '',
    ...(d.sensitivity.length ? ['## Per-layer sensitivity', '', 'Each node quantized alone on the validation subset, ranked by Top-1 drop, then output cosine:', '', sensitivityTable(d.sensitivity), ''] : []),
    ...(perClass ? ['## Per class', '', perClass, ''] : []),
    '## Preprocessing record', '', mdFence('json', JSON.stringify(d.preprocessing, null, 2)), '',
    '## Tool versions', '', mdTable(['tool', 'version'], Object.entries(d.tools).map(([k, v]) => [k, v ?? 'not installed'])), '',
    '## Provenance', '', 'Every number above comes from a stage result recorded in `manifest.json` under these cache keys:', '',
    mdTable(['stage', 'key'], Object.entries(d.provenance).map(([k, v]) => [k, v ? `\`${v}\`` : '—'])), '',
  ].join('\n');
}
