import { quantizeWorker } from '../../pipeline/stages/quantize.ts';
// npm run bench:int8-speed [-- Model ...] — emulate host (the fastest int8 on this machine) on the zoo models of
// `npm run zoo:check` (default: every catalog model with a public source; random weights, the 20 photos): the perf
// stage's 1-thread medians of fp32 and of the int8 model the quantize stage chose (which op types stay float is
// measured per model). Baseline: ORT fp32 of the same model, same run. Headline: the slowest int8/fp32 ratio.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerData } from '../../pipeline/contracts/workers.ts';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { mdTable, num } from '../../pipeline/report/format.ts';
import { loadCatalog } from '../../pipeline/zoo/catalog.ts';
import { checkModel } from '../zoo/check.ts';
import { BENCH_DIR, headline } from './common.ts';

const wanted = process.argv.slice(2);
const models = loadCatalog().models.filter((m) => m.source && (wanted.length === 0 || wanted.includes(m.model)));
const root = join(BENCH_DIR, 'int8-speed');
const rows: { model: string; fp32: number; int8: number; kept: string }[] = [];
for (const [i, m] of models.entries()) {
  const row = await checkModel(m, root, ['quantize.emulate=host', 'evaluate.perf_runs=50']);
  if (row.fp32 === null || row.int8 === null) {
    console.error(`[${i + 1}/${models.length}] ${m.model}: ${row.stages}`);
    continue;
  }
  const manifest = JSON.parse(readFileSync(join(root, m.model, 'run', 'manifest.json'), 'utf8')) as Manifest;
  const q = workerData(quantizeWorker).parse(manifest.stages.find((s) => s.id === 'quantize')!.data);
  rows.push({ model: m.model, fp32: row.fp32, int8: row.int8, kept: q.float_op_types.join(', ') || 'none' });
  console.error(
    `[${i + 1}/${models.length}] ${m.model}: fp32 ${num(row.fp32)} ms, int8 ${num(row.int8)} ms (x${num(row.fp32 / row.int8)}), kept float: ${rows.at(-1)!.kept}`,
  );
}
console.log(
  mdTable(
    ['model', 'fp32 ms (1 thread)', 'int8 ms (emulate host)', 'speed-up', 'op types kept float (measured)'],
    rows.map((r) => [r.model, num(r.fp32), num(r.int8), `${num(r.fp32 / r.int8)}x`, r.kept]),
  ),
);
const slowest = rows.reduce((a, b) => (b.fp32 / b.int8 < a.fp32 / a.int8 ? b : a));
console.log(`int8 at least as fast as fp32 on ${rows.filter((r) => r.int8 <= r.fp32).length}/${rows.length} models`);
headline(
  `host int8 latency, slowest of ${rows.length} zoo models (1 thread)`,
  `${slowest.model} int8 ${num(slowest.int8)} ms`,
  'ORT fp32',
  `${num(slowest.fp32)} ms`,
  slowest.fp32 / slowest.int8,
);
