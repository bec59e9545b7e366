// npm run bench:calibration — ResNeXt50_32x4d (random weights; calibration images: Fashion-MNIST through the
// ResNeXt preprocessing): our streaming calibrator (histograms on, max_percentile) at 16, 32, 64 and 256 images,
// and its max method (in-graph min/max, like-for-like with ORT MinMax) at 16 and 32, vs
// ONNX Runtime's quantize_static with Percentile and MinMax at 16 and 32 images (it holds every activation of
// every image, ~133 MB each, so it is not pushed further on 24 GiB). Each run is its own process: peak RSS
// and wall time include calibration and writing the QDQ model. Headline: peak RSS at 32 images, ours vs ORT
// Percentile (ratio = theirs / ours).
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { BENCH_DIR, headline, resnext50 } from './common.ts';

interface Run {
  mode: string;
  n: number;
  seconds: number;
  peak_rss_mb: number;
}

const out = await resnext50(
  ['calibration.dataset={fashion_mnist: {split: train}}', 'calibration.count=256'],
  'calibration',
);
const model = join(out, 'simplify', 'model.onnx');
const calib = join(out, 'calibration', 'calib.npy');
const plan: [string, number][] = [
  ['ours', 16],
  ['ours', 32],
  ['ours', 64],
  ['ours', 256],
  ['ours-max', 16],
  ['ours-max', 32],
  ['ort-minmax', 16],
  ['ort-minmax', 32],
  ['ort-percentile', 16],
  ['ort-percentile', 32],
];
const runs: Run[] = [];
for (const [mode, n] of plan) {
  const r = await execa(
    VENV_PYTHON,
    [
      join(PROJECT_ROOT, 'scripts', 'bench', 'calib_run.py'),
      mode,
      model,
      calib,
      String(n),
      join(BENCH_DIR, `calib-${mode}-${n}.onnx`),
    ],
    { env: { PYTHONWARNINGS: 'ignore' } },
  );
  const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
  runs.push(run);
  console.log(
    `${mode.padEnd(15)} ${String(n).padStart(4)} images: ${run.seconds.toFixed(1).padStart(7)} s, peak RSS ${run.peak_rss_mb.toFixed(0).padStart(6)} MB`,
  );
}
const get = (mode: string, n: number): Run => runs.find((r) => r.mode === mode && r.n === n)!;
console.log(
  `ours 256 vs ours 16 peak RSS: ${(get('ours', 256).peak_rss_mb / get('ours', 16).peak_rss_mb).toFixed(2)}x (target <= 1.2x)`,
);
for (const n of [16, 32]) {
  console.log(
    `time at ${n} images: ours-max / ORT MinMax = ${(get('ours-max', n).seconds / get('ort-minmax', n).seconds).toFixed(2)}x (target <= 1.3x); ` +
      `ours with histograms / ORT MinMax = ${(get('ours', n).seconds / get('ort-minmax', n).seconds).toFixed(2)}x; ours with histograms / ORT Percentile = ${(get('ours', n).seconds / get('ort-percentile', n).seconds).toFixed(2)}x`,
  );
}
const ours32 = get('ours', 32).peak_rss_mb;
const ort32 = get('ort-percentile', 32).peak_rss_mb;
headline(
  'peak RSS at 32 calibration images',
  `${ours32.toFixed(0)} MB`,
  'ORT quantize_static Percentile',
  `${ort32.toFixed(0)} MB`,
  ort32 / ours32,
);
