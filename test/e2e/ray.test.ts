import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { STAGES } from '../../pipeline/stages/index.ts';
import { zooforge } from '../helpers/cli.ts';
import { fashionRecipeText } from '../helpers/recipes.ts';
import { tmp } from '../helpers/tmp.ts';
import { warmCache } from '../helpers/warm-cache.ts';

// Real Ray. CI (.ci/run) starts a 2-CPU head (`ray start --head --num-cpus 2`) and sets ZOOFORGE_TEST_RAY=auto, so
// these commands run on that cluster; without it each command starts (and stops) a private local instance.
const RAY = process.env.ZOOFORGE_TEST_RAY ? ['--ray', process.env.ZOOFORGE_TEST_RAY] : ['--ray'];
const CLI = join(PROJECT_ROOT, 'bin', 'zooforge.js');
const QUICK = ['--set', 'evaluate.perf_runs=0', '--set', 'evaluate.limit=500'];

interface Outcome {
  name: string;
  status: string;
  attempts: number;
  error?: string;
  cached: string[];
}
interface SweepJson {
  rows: Record<string, unknown>[];
  tasks: Outcome[];
}
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').pop()!) as T;
const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** Every entry the cache holds: <root>/<2 hex>/<key>/entry.json. */
function cacheKeys(root: string): string[] {
  return readdirSync(root)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(root, d)).filter((k) => existsSync(join(root, d, k, 'entry.json'))));
}

/** Start a sweep in the background; `until(re)` resolves once its stderr matches `re`, with the match, and rejects
 *  (with that stderr) if the sweep ends first: a line that never comes fails the test at once instead of hanging it. */
function background(args: string[]) {
  const child = execa('node', [CLI, ...args], { reject: false, cwd: PROJECT_ROOT, env: { CI: '1' } });
  let err = '';
  let ended = false;
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    err += String(chunk);
    for (const w of [...waiters]) {
      const m = err.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  void child.then(() => {
    ended = true;
    for (const w of waiters.splice(0))
      w.reject(new Error(`the sweep ended before its stderr matched ${w.re}:\n${err}`));
  });
  return {
    child,
    stderr: () => err,
    until: (re: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const m = err.match(re);
        if (m) resolve(m);
        else if (ended) reject(new Error(`the sweep ended before its stderr matched ${re}:\n${err}`));
        else waiters.push({ re, resolve, reject });
      }),
  };
}

describe('sweeps and zoo runs on Ray', () => {
  const dir = tmp('zf-ray-');
  const recipe = join(dir, 'fashion.yaml');
  writeFileSync(recipe, fashionRecipeText());
  // two variants (one calibration, two quantize keys): enough to show one shared computation and two task outcomes
  const VARY = ['--vary', 'quantize.calibration_type=max', '--vary', 'quantize.per_channel=true,false'];

  it('a 2-variant sweep on Ray prints the local --jobs 2 table; its shared cache holds one entry per distinct stage key', async () => {
    const onRay = await zooforge([
      'sweep',
      recipe,
      ...VARY,
      ...RAY,
      '--json',
      '--out',
      join(dir, 'ray'),
      '--cache',
      join(dir, 'cache-ray'),
      ...QUICK,
    ]);
    expect(onRay.exitCode, onRay.stderr).toBe(0);
    const local = await zooforge([
      'sweep',
      recipe,
      ...VARY,
      '--jobs',
      '2',
      '--json',
      '--out',
      join(dir, 'local'),
      '--cache',
      join(dir, 'cache-local'),
      ...QUICK,
    ]);
    expect(local.exitCode, local.stderr).toBe(0);
    const a = lastJson<SweepJson>(onRay.stdout);
    const b = lastJson<SweepJson>(local.stdout);
    expect(a.rows).toHaveLength(2);
    expect(a.rows).toEqual(b.rows); // same variants, same order, same figures (the table has no timings)
    expect(onRay.stderr).toMatch(/started on \S+ \(pid \d+\)/);
    expect(onRay.stderr).toMatch(/^tasks 2\/2 done, 0 running, 0 failed \| preprocess .*\| export 1 passed 1 cached/m);

    const manifests = a.tasks.map((t) => manifestOf(join(dir, 'ray', 'sweep', t.name)));
    const cacheable = new Set(STAGES.filter((s) => s.cacheable).map((s) => s.id));
    const keys = new Set(
      manifests.flatMap((m) =>
        m.stages
          .filter((s) => cacheable.has(s.id) && (s.status === 'passed' || s.status === 'cached'))
          .map((s) => s.key!),
      ),
    );
    expect(cacheKeys(join(dir, 'cache-ray')).sort()).toEqual([...keys].sort());
    for (const id of ['preprocess', 'export', 'simplify', 'params', 'calibration']) {
      expect(
        manifests.filter((m) => m.stages.find((s) => s.id === id)!.status === 'passed'),
        `${id} computed once`,
      ).toHaveLength(1);
    }
    expect(manifests.filter((m) => m.stages.find((s) => s.id === 'quantize')!.status === 'passed')).toHaveLength(2);
  });

  // The killed worker's run sees its parent pipe close and stops (commands/run.ts watchParent), freeing its folder for the
  // retry. "Mid-run" is the task's export ending passed or cached: which of the two tasks computes the shared export
  // is a race, and waiting for "passed" alone hung this test whenever the other task won it (once 600 s in CI).
  it('a task whose Ray worker is killed mid-run is retried and the sweep completes', async () => {
    const run = background([
      'sweep',
      recipe,
      '--vary',
      'quantize.calibration_type=max,kl',
      ...RAY,
      '--json',
      '--out',
      join(dir, 'kill'),
      '--cache',
      warmCache(join(dir, 'cache-kill')),
      ...QUICK,
    ]);
    const [, task, pid] = await run.until(/\[([^\]]+)\] started on \S+ \(pid (\d+)\)/);
    await run.until(new RegExp(`\\[${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\] (passed|cached) export`)); // mid-run: it has done a stage
    process.kill(Number(pid), 'SIGKILL');
    const r = await run.child;
    expect(r.exitCode, run.stderr()).toBe(0);
    const { tasks, rows } = lastJson<SweepJson>(String(r.stdout));
    expect(tasks.find((t) => t.name === task)).toMatchObject({ status: 'passed', attempts: 2 });
    expect(rows).toHaveLength(2);
    expect(run.stderr()).toContain(`[${task}] started on`);
    expect(run.stderr()).toMatch(/\(attempt 2: its previous worker or node died\)/);
    expect(manifestOf(join(dir, 'kill', 'sweep', task)).status).toBe('passed');
  });

  it('a stage failure is reported with its stage and message, and not retried', async () => {
    const junk = join(dir, 'junk.pt');
    writeFileSync(junk, 'not a checkpoint');
    const r = await zooforge([
      'sweep',
      recipe,
      '--vary',
      `model.checkpoint=${junk}`,
      ...RAY,
      '--json',
      '--out',
      join(dir, 'fail'),
      '--cache',
      warmCache(join(dir, 'cache-fail')),
      ...QUICK,
    ]);
    expect(r.exitCode).toBe(1);
    const [t] = lastJson<SweepJson>(r.stdout).tasks;
    expect(t).toMatchObject({ status: 'failed', attempts: 1 });
    expect(t.error).toMatch(/^stage export: /);
    expect(r.stderr).toMatch(/^\[checkpoint=[^\]]+\] failed: stage export: /m);
  });

  it('a task no node can run (the hb_mapper resource) is said at once, not left waiting', async () => {
    const r = await zooforge([
      'sweep',
      recipe,
      '--vary',
      'quantize.backend=horizon',
      ...RAY,
      '--json',
      '--out',
      join(dir, 'hb'),
      '--cache',
      warmCache(join(dir, 'cache-hb')),
      ...QUICK,
    ]);
    expect(r.exitCode).toBe(1);
    const [t] = lastJson<SweepJson>(r.stdout).tasks;
    expect(t).toMatchObject({ status: 'unschedulable', attempts: 0 });
    expect(t.error).toMatch(/no node of the cluster offers hb_mapper=1/);
  });

  it('Ctrl-C cancels the remaining tasks; each started run records that it was interrupted', async () => {
    const out = join(dir, 'cancel');
    const run = background([
      'sweep',
      recipe,
      '--vary',
      'quantize.calibration_type=default,max,kl',
      ...RAY,
      '--out',
      out,
      '--cache',
      join(dir, 'cache-cancel'),
      ...QUICK,
    ]);
    await run.until(/\] (passed|cached) export/);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const r = await run.child;
    expect(r.exitCode).toBe(130);
    expect(Date.now() - t0).toBeLessThan(45_000);
    expect(run.stderr()).toMatch(/^zooforge: interrupted: the remaining Ray tasks were cancelled$/m);
    const started = readdirSync(join(out, 'sweep')).filter((n) => existsSync(join(out, 'sweep', n, 'manifest.json')));
    expect(started.length).toBeGreaterThan(0);
    for (const n of started) expect(manifestOf(join(out, 'sweep', n)).status, n).toBe('interrupted');
    const left = await execa('pgrep', ['-f', `zooforge.js run .*${out}/sweep/`], { reject: false });
    expect(left.exitCode, `no run of this sweep is left behind: ${String(left.stdout)}`).toBe(1); // 1: nothing matched (2 would be a pgrep error)
  });

  it('an address where no cluster answers fails in seconds, saying so, with exit 1', async () => {
    const t0 = Date.now();
    const r = await zooforge([
      'sweep',
      recipe,
      '--vary',
      'quantize.per_channel=true',
      '--ray',
      '127.0.0.1:1',
      '--out',
      join(dir, 'nowhere'),
      '--cache',
      join(dir, 'cache-nowhere'),
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^zooforge: ray: --ray 127\.0\.0\.1:1: nothing answers at 127\.0\.0\.1:1 \(Connection refused\)/m,
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('zoo run: two catalog models as Ray tasks, tabulated beside the zoo', async () => {
    // the same two models into the same folder and cache, twice: as JSON, then as the table (all cached)
    const zooRun = (...extra: string[]) =>
      zooforge([
        'zoo',
        'run',
        'ConvNeXt_atto',
        'RepVGG_A0',
        ...RAY,
        '--until',
        'params',
        '--set',
        'model.pretrained=false',
        '--out',
        join(dir, 'zoo'),
        '--cache',
        join(dir, 'cache-zoo'),
        ...extra,
      ]);
    const r = await zooRun('--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const { rows, tasks } = lastJson<{
      rows: { model: string; params_M: number; zoo_params_M: number }[];
      tasks: Outcome[];
    }>(r.stdout);
    expect(tasks.map((t) => [t.name, t.status])).toEqual([
      ['ConvNeXt_atto', 'passed'],
      ['RepVGG_A0', 'passed'],
    ]);
    expect(rows.map((x) => [x.model, Math.round(x.params_M * 1e3) / 1e3, x.zoo_params_M])).toEqual([
      ['ConvNeXt_atto', 3.68, 3.69],
      ['RepVGG_A0', 8.309, 8.3],
    ]);
    const table = await zooRun();
    expect(table.stdout).toMatch(/^\| RepVGG_A0 \| passed \| 8\.309 \| 8\.30 \|/m);
    expect(table.stderr).toMatch(/\[RepVGG_A0\] cached params/); // the second time, every stage comes from the shared cache
  });
});
