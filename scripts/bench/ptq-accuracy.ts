// npm run bench:ptq-accuracy — the three Fashion-MNIST nets (the demo ResNeXt and the two quantization-hostile
// proxies: MobileNetV3-style, RepVGG-style) quantized under emulate bpu with every calibration method, against
// PyTorch's own FX post-training quantization (qnnpack) calibrated on the same images. Top-1 on the 10k test set,
// each drop with its 95 % CI and the paired flips. Headline: the worst drop of our default method, vs FX's drop on
// that net. bias_correction and equalize are measured on max (and kl) to show whether they earn a place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { mdTable, pct } from '../../pipeline/report/format.ts';
import type { ReportData } from '../../pipeline/report/model.ts';
import { BENCH_DIR, headline } from './common.ts';

const NETS = ['fashion_resnext', 'fashion_mobilenet', 'fashion_repvgg'];
const METHODS: [string, string[]][] = [
  ['default', ['quantize.calibration_type=default']],
  ['max', ['quantize.calibration_type=max']],
  ['max-percentile 0.99995', ['quantize.calibration_type=max', 'quantize.max_percentile=0.99995']],
  ['kl', ['quantize.calibration_type=kl']],
  ['max + bias_correction', ['quantize.calibration_type=max', 'quantize.optimization=[bias_correction]']],
  ['kl + bias_correction', ['quantize.calibration_type=kl', 'quantize.optimization=[bias_correction]']],
  ['max + equalize', ['quantize.calibration_type=max', 'quantize.equalize=true']],
];
const cache = join(BENCH_DIR, 'ptq-cache');

async function run(net: string, label: string, set: string[]): Promise<{ out: string; r: ReportData }> {
  const out = join(BENCH_DIR, 'ptq', net, label.replace(/\W+/g, '_'));
  const p = await execa(
    'node',
    [
      join(PROJECT_ROOT, 'bin', 'zooforge.js'),
      'run',
      `yaml/${net}.yaml`,
      ...set.flatMap((s) => ['--set', s]),
      '--set',
      'evaluate.perf_runs=0',
      '--out',
      out,
      '--cache',
      cache,
      '--plain',
    ],
    { cwd: PROJECT_ROOT, reject: false },
  );
  if (p.exitCode !== 0)
    throw new Error(`${net} ${label}: exit ${p.exitCode}\n${String(p.stderr).split('\n').slice(-10).join('\n')}`);
  return { out, r: JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as ReportData };
}

/** "0.31 [0.20, 0.42], 45/14": drop in points with its 95 % CI (the report's own), float-only/int8-only right. */
function drop(r: ReportData): string {
  const d = r.drop!;
  return `${pct(d.points)} [${pct(d.lo)}, ${pct(d.hi)}], ${r.flips!.float_only}/${r.flips!.quant_only}`;
}

const rows: string[][] = [];
let worst: { net: string; ours: number; fx: number } | undefined;
for (const net of NETS) {
  const results = [];
  for (const [label, set] of METHODS) results.push({ label, ...(await run(net, label, set)) });
  const def = results[0];
  const fx = JSON.parse(
    (
      await execa(VENV_PYTHON, [
        join(PROJECT_ROOT, 'scripts', 'bench', 'fx_ptq.py'),
        def.out,
        join(PROJECT_ROOT, 'models', `${net}.pt`),
        net,
      ])
    ).stdout,
  ) as { fx_int8_top1: number; torch_float_top1: number; calibration_images: number };
  const fxDrop = fx.torch_float_top1 - fx.fx_int8_top1;
  rows.push([
    net,
    pct(def.r.float!.top1),
    ...results.map((x) => drop(x.r)),
    def.r.calibration!.selected.replace(/^Select | method\.$/g, ''),
    `${pct(fxDrop)} (${pct(fx.fx_int8_top1)} %)`,
  ]);
  console.error(
    `${net}: float ${pct(def.r.float!.top1)} %, ${results.map((x) => `${x.label} ${pct(x.r.quant!.top1)}`).join(', ')}, FX ${pct(fx.fx_int8_top1)}`,
  );
  const ours = def.r.float!.top1 - def.r.quant!.top1;
  if (!worst || ours > worst.ours) worst = { net, ours, fx: fxDrop };
}
console.log(
  mdTable(
    [
      'net',
      'float Top-1',
      ...METHODS.map(([l]) => `drop: ${l} (95 % CI), flips f/q`),
      'default chose',
      'FX qnnpack drop (Top-1)',
    ],
    rows,
  ),
);
headline(
  'worst Top-1 drop, emulate bpu default, 3 Fashion nets (10k test)',
  `${worst!.net} ${pct(worst!.ours)} points`,
  'PyTorch FX qnnpack on it',
  `${pct(worst!.fx)} points`,
  worst!.fx === 0 ? 0 : worst!.ours / worst!.fx,
);
