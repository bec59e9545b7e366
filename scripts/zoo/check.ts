// npm run zoo:check [-- [--jobs N] Model ...]: every catalog model with a public source end to end on the ort backend (random
// weights, the 20 labelled photos as calibration and evaluation set): zoo new -> run. Prints, per model, the zoo's
// Parameter (M) beside ours, whether they match within 1 % (or the catalog's reason why not), the stages, the int8
// output cosine and host latencies; the last line is `zoo models end to end: <n>/<total>`.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { z } from 'zod';
import { ParamsData } from '../../pipeline/contracts/stages.ts';
import { workerData } from '../../pipeline/contracts/workers.ts';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { succeeded } from '../../pipeline/engine/types.ts';
import { PROJECT_ROOT, SHARED_DIR } from '../../pipeline/paths.ts';
import { mdTable, num } from '../../pipeline/report/format.ts';
import { perfWorker } from '../../pipeline/stages/perf.ts';
import { quantizeWorker } from '../../pipeline/stages/quantize.ts';
import { loadCatalog, type ZooEntry } from '../../pipeline/zoo/catalog.ts';

const PHOTOS = join(SHARED_DIR, 'fixtures', 'photos');
const ROOT = join(PROJECT_ROOT, '.zooforge', 'zoo-check');
const CLI = join(PROJECT_ROOT, 'bin', 'zooforge.js');
const SET = [
  'model.pretrained=false',
  `calibration.dataset={folder: {path: ${PHOTOS}}}`,
  'calibration.count=8',
  `evaluate.dataset={folder: {path: ${PHOTOS}, labels: ${join(PHOTOS, 'labels.txt')}}}`,
  'quantize.backend=ort',
  'evaluate.perf_runs=10',
  // random weights: onnxsim folds nodes a zoo config names (EdgeNeXt's LayerNorm x1); the node_names stage says which
  'quantize.unresolved_nodes=drop',
];

export interface CheckRow {
  model: string;
  zooM: number | null;
  oursM: number | null;
  match: string;
  stages: string;
  cosine: number | null;
  fp32: number | null;
  int8: number | null;
  ok: boolean;
  /** seconds per stage that ran in this check (cached stages are not counted) */
  seconds: Record<string, number>;
}

export async function checkModel(m: ZooEntry, root = ROOT, extra: string[] = []): Promise<CheckRow> {
  const dir = join(root, m.model);
  mkdirSync(dir, { recursive: true });
  const recipe = join(dir, 'recipe.yaml');
  await execa('node', [CLI, 'zoo', 'new', m.model, '--out', recipe], { reject: false }).then(async (r) => {
    if (r.exitCode !== 0 && !String(r.stderr).includes('exists')) throw new Error(`zoo new ${m.model}: ${r.stderr}`);
  });
  const run = await execa(
    'node',
    [
      CLI,
      'run',
      recipe,
      ...[...SET, ...extra].flatMap((s) => ['--set', s]),
      '--out',
      join(dir, 'run'),
      '--cache',
      join(root, 'cache'),
      '--plain',
    ],
    { reject: false, env: { CI: '1' } },
  );
  let manifest: Manifest | undefined;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'run', 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    /* no manifest: failed at load */
  }
  const stage = (id: string) => manifest?.stages.find((s) => s.id === id);
  const data = <T>(id: string, schema: z.ZodType<T>): T | undefined =>
    succeeded(stage(id)?.status) ? schema.parse(stage(id)!.data) : undefined;
  const want = ['export', 'simplify', 'params', 'calibration', 'quantize', 'evaluate', 'report'];
  const failed = want.find((id) => !succeeded(stage(id)?.status));
  const total = data('params', ParamsData)?.total;
  const oursM = total !== undefined ? total / 1e6 : null;
  const within = m.params_M !== null && oursM !== null && Math.abs(oursM - m.params_M) / m.params_M <= 0.01;
  // a noted mismatch holds only while our count is exactly the one measured when the note was written
  const explained = m.params_note !== undefined && total === m.params_ours;
  const quant = data('quantize', workerData(quantizeWorker));
  const perf = data('perf', workerData(perfWorker));
  return {
    model: m.model,
    zooM: m.params_M,
    oursM,
    match: within
      ? 'yes'
      : explained
        ? `no: ${m.params_note}`
        : m.params_note
          ? `NO: ${total} elements, the note was measured at ${m.params_ours}`
          : 'NO',
    stages: failed
      ? `${failed} ${stage(failed)?.status ?? 'not reached'}${run.exitCode === 2 ? ` (${String(run.stderr).split('\n')[0]})` : ''}`
      : 'all passed',
    cosine: quant?.output_similarity.cosine ?? null,
    fp32: perf?.float.single.median_ms ?? null,
    int8: perf?.quant.single.median_ms ?? null,
    ok: !failed && (within || explained),
    seconds: Object.fromEntries(
      (manifest?.stages ?? [])
        .filter((s) => s.status === 'passed' && s.durationMs !== undefined)
        .map((s) => [s.id, s.durationMs! / 1000]),
    ),
  };
}

export function checkTable(rows: CheckRow[]): string {
  return mdTable(
    ['model', 'zoo M', 'ours M', 'match (1 %)', 'stages', 'int8 output cosine', 'fp32 ms', 'int8 ms'],
    rows.map((r) => [
      r.model,
      num(r.zooM),
      num(r.oursM, 3),
      r.match,
      r.stages,
      num(r.cosine, 4),
      num(r.fp32),
      num(r.int8),
    ]),
  );
}

/** Where the time went: per stage, summed over the models that ran it (cached stages cost nothing and are left out). */
export function stageTotals(rows: CheckRow[]): string {
  const totals = new Map<string, { seconds: number; models: number }>();
  for (const r of rows)
    for (const [id, s] of Object.entries(r.seconds)) {
      const t = totals.get(id) ?? { seconds: 0, models: 0 };
      totals.set(id, { seconds: t.seconds + s, models: t.models + 1 });
    }
  const all = [...totals.values()].reduce((sum, t) => sum + t.seconds, 0);
  const sorted = [...totals.entries()].sort((a, b) => b[1].seconds - a[1].seconds);
  return mdTable(
    ['stage', 'ran in (models)', 'total s', 'share'],
    [
      ...sorted.map(([id, t]) => [
        id,
        String(t.models),
        t.seconds.toFixed(0),
        `${((100 * t.seconds) / all).toFixed(0)} %`,
      ]),
      ['all stages', '', all.toFixed(0), '100 %'],
    ],
  );
}

/** Runs `each` over `items` with at most `jobs` at a time; results in the items' order. */
async function pool<T, R>(items: T[], jobs: number, each: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await each(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

if (process.argv[1]?.endsWith('check.ts')) {
  // --jobs N: models checked at once (default 2: much of a run is one-threaded Python, so a second model keeps
  // the other core busy); the rest of the arguments name models (default: every catalog model with a source)
  const args = process.argv.slice(2);
  const at = args.indexOf('--jobs');
  const jobs = at >= 0 ? Number(args.splice(at, 2)[1]) : 2;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error('--jobs takes a whole number of at least 1');
  const models = loadCatalog().models.filter((m) => m.source && (args.length === 0 || args.includes(m.model)));
  const started = Date.now();
  let done = 0;
  const rows = await pool(models, jobs, async (m) => {
    const t0 = Date.now();
    const row = await checkModel(m);
    console.error(
      `[${++done}/${models.length}] ${m.model}: ${row.stages}, ${num(row.oursM, 3)} M vs zoo ${num(row.zooM)} (${row.match}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    return row;
  });
  console.log(checkTable(rows));
  console.log(
    `\nWhere the time went (${((Date.now() - started) / 60000).toFixed(1)} min wall clock, ${jobs} model(s) at a time; stage seconds overlap when jobs > 1):\n`,
  );
  console.log(stageTotals(rows));
  console.log(`zoo models end to end: ${rows.filter((r) => r.ok).length}/${rows.length}`);
}
