// npm run bench:eval — end-to-end evaluation throughput of the evaluate stage (decode + preprocess in a pool,
// float and int8 inference, metrics) on the 10k Fashion-MNIST test set, vs raw ONNX Runtime inference of the
// same two models on tensors decoded beforehand, in the same run. Headline ratio = ours / raw (target >= 0.8x).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { BENCH_DIR, headline, median } from './common.ts';

const out = join(BENCH_DIR, 'fashion-eval');
const ours: number[] = [];
const raw: number[] = [];
for (let round = 0; round < 3; round++) {
  await execa(
    'node',
    [
      join(PROJECT_ROOT, 'bin', 'zooforge.js'),
      'run',
      'yaml/fashion_resnext.yaml',
      '--until',
      'evaluate',
      '--force',
      'evaluate',
      '--out',
      out,
      '--plain',
    ],
    { cwd: PROJECT_ROOT },
  );
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  ours.push((m.stages.find((s) => s.id === 'evaluate')!.data as { images_per_s: number }).images_per_s);
  const batch = (m.recipe.resolved as { evaluate: { batch_size: number } }).evaluate.batch_size; // same batches as the stage
  const r = await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'scripts', 'bench', 'raw_ort_eval.py'), out, String(batch)]);
  raw.push((JSON.parse(r.stdout) as { images_per_s: number }).images_per_s);
  console.log(
    `round ${round + 1}: evaluate stage ${ours.at(-1)!.toFixed(0)} images/s, raw ORT ${raw.at(-1)!.toFixed(0)} images/s (float + int8 each)`,
  );
}
headline(
  'eval throughput (10k Fashion-MNIST, float + int8, median of 3)',
  `${median(ours).toFixed(0)} images/s`,
  'raw ORT on pre-decoded tensors',
  `${median(raw).toFixed(0)} images/s`,
  median(ours) / median(raw),
);
