// npm run bench:sweep — the same 8-variant sweep of the Fashion demo (calibration_type max/kl x per_channel x
// calibration.count 50/100) three ways, each from an empty cache: serially (--jobs 1, the baseline), with --jobs 2,
// and on a local 2-CPU Ray instance (--ray, started and stopped by the sweep: its start-up is in the time). Checks
// that all three print the same table. Headline: Ray's wall-clock vs serial.
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { BENCH_DIR, headline } from './common.ts';

const VARY = [
  '--vary',
  'quantize.calibration_type=max,kl',
  '--vary',
  'quantize.per_channel=true,false',
  '--vary',
  'calibration.count=50,100',
];
const root = join(BENCH_DIR, 'sweep');

async function sweep(label: string, extra: string[]): Promise<{ s: number; table: string }> {
  const dir = join(root, label);
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const r = await execa(
    'node',
    [
      join(PROJECT_ROOT, 'bin', 'zooforge.js'),
      'sweep',
      'yaml/fashion_resnext.yaml',
      ...VARY,
      ...extra,
      '--set',
      'evaluate.perf_runs=0',
      '--out',
      join(dir, 'runs'),
      '--cache',
      join(dir, 'cache'),
    ],
    { cwd: PROJECT_ROOT, reject: false, env: { CI: '1' } },
  );
  const s = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0)
    throw new Error(
      `${label} sweep failed (exit ${r.exitCode}):\n${String(r.stderr).split('\n').slice(-15).join('\n')}`,
    );
  console.log(`${label}: ${s.toFixed(1)} s`);
  return { s, table: String(r.stdout).trim() };
}

console.log(`8 variants, ${cpus().length} cores, each way from an empty cache`);
const serial = await sweep('serial', ['--jobs', '1']);
const jobs2 = await sweep('jobs2', ['--jobs', '2']);
const ray = await sweep('ray', ['--ray']);
if (jobs2.table !== serial.table || ray.table !== serial.table)
  throw new Error(`the tables differ:\n${serial.table}\n---\n${jobs2.table}\n---\n${ray.table}`);
console.log(serial.table);
console.log(`--jobs 2: ${jobs2.s.toFixed(1)} s (ratio ${(serial.s / jobs2.s).toFixed(2)}x faster than serial)`);
console.log(
  `Ray (local, ${cpus().length} CPUs): ${ray.s.toFixed(1)} s (ratio ${(serial.s / ray.s).toFixed(2)}x faster than serial, ${(jobs2.s / ray.s).toFixed(2)}x vs --jobs 2)`,
);
headline(
  'sweep wall-clock (8 variants, Fashion demo)',
  `Ray ${ray.s.toFixed(1)} s`,
  'serial --jobs 1',
  `${serial.s.toFixed(1)} s`,
  serial.s / ray.s,
);
