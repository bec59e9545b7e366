import { execSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../pipeline/engine/manifest.ts';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { zooforge } from '../../helpers/cli.ts';
import { tmp } from '../../helpers/tmp.ts';
import { makeWorld, type World } from './world.ts';

const manifest = (out: string): Manifest => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
const stage = (out: string, id: string) => manifest(out).stages.find((s) => s.id === id)!;
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const set = (...kv: string[]): string[] => kv.flatMap((s) => ['--set', s]);

/** Mount a tmpfs (root only); undefined where this machine does not allow it. */
function mountTmpfs(dir: string, opts: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execSync(`mount -t tmpfs -o ${opts} tmpfs ${JSON.stringify(dir)}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('stale cache, cross-filesystem and environment faults', () => {
  let w: World;
  const mounts: string[] = [];
  const run = (out: string, ...rest: string[]) =>
    zooforge(['run', w.recipe, '--out', out, '--cache', w.cache, ...rest]);

  beforeAll(async () => {
    w = await makeWorld(tmp('zf-stale-'));
    writeFileSync(join(w.dir, 'helper.py'), 'WIDTH = 4\n');
    writeFileSync(
      join(w.dir, 'mymod.py'),
      `import torch
from helper import WIDTH


def net(num_classes=10):
    return torch.nn.Sequential(torch.nn.Conv2d(1, WIDTH, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(WIDTH, num_classes))
`,
    );
  });
  afterAll(() => {
    for (const m of mounts) execSync(`umount ${JSON.stringify(m)}`, { stdio: 'ignore' });
  });

  it('a local module imported by the model file is keyed: editing it re-runs export and changes the count', async () => {
    const args = [
      '--until',
      'params',
      ...set(`model.source={module: ${join(w.dir, 'mymod.py')}:net}`, 'model.checkpoint=null'),
    ];
    expect((await run(w.out('mod'), ...args)).exitCode).toBe(0);
    expect(stage(w.out('mod'), 'params').data.total).toBe(4 * 9 + 4 + 4 * 10 + 10);
    writeFileSync(join(w.dir, 'helper.py'), 'WIDTH = 8\n');
    const again = await run(w.out('mod'), ...args);
    expect(again.stderr).toMatch(/plan {2}export\s+runs because input module\.helper\.py changed/);
    expect(stage(w.out('mod'), 'params').data.total).toBe(8 * 9 + 8 + 8 * 10 + 10);
  });

  it('ONNX external data is keyed: new weights re-run export', async () => {
    const src = join(w.dir, 'ext-ok', 'm.onnx');
    const args = ['--until', 'export', ...set(`model={name: m, source: {onnx: ${src}}}`)];
    expect((await run(w.out('ext'), ...args)).exitCode).toBe(0);
    const before = sha(join(w.out('ext'), 'export', 'model.onnx'));
    const weights = join(w.dir, 'ext-ok', 'weights.bin');
    const f = new Float32Array(readFileSync(weights).buffer.slice(0));
    writeFileSync(weights, Buffer.from(f.map((x) => -x).buffer));
    const again = await run(w.out('ext'), ...args);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/plan {2}export\s+runs because input onnx\.data\.weights\.bin changed/);
    expect(sha(join(w.out('ext'), 'export', 'model.onnx'))).not.toBe(before);
  });

  it('a symlinked class folder is keyed by what it points to', async () => {
    const tree = join(w.dir, 'linked');
    mkdirSync(tree);
    for (const c of ['c1', 'c2']) cpSync(join(w.dir, 'imgs', 'tree', c), join(tree, c), { recursive: true });
    symlinkSync(join(w.dir, 'imgs', 'tree', 'c0'), join(tree, 'c0'));
    const args = [
      '--until',
      'calibration',
      ...set(`calibration.dataset={folder: {path: ${tree}}}`, 'calibration.count=6'),
    ];
    expect((await run(w.out('link'), ...args)).exitCode).toBe(0);
    const first = stage(w.out('link'), 'calibration').outputs;
    unlinkSync(join(tree, 'c0'));
    symlinkSync(join(w.dir, 'imgs', 'tree', 'c3'), join(tree, 'c0'));
    const again = await run(w.out('link'), ...args);
    // export's check images come from the calibration set too, so it is the first to notice
    expect(again.stderr).toMatch(/plan {2}export\s+runs because input check_dataset changed/);
    expect(again.stderr).toMatch(/passed calibration/);
    expect(stage(w.out('link'), 'calibration').outputs).not.toEqual(first);
  });

  it('a hand-edited metric in entry.json is caught; --force replaces the entry', async () => {
    const out = w.out('edit');
    expect((await run(out, '--until', 'params')).exitCode).toBe(0);
    const key = stage(out, 'params').key!;
    const entryFile = join(w.cache, key.slice(0, 2), key, 'entry.json');
    const truth = stage(out, 'params').data.total;
    writeFileSync(entryFile, readFileSync(entryFile, 'utf8').replace(`"total": ${truth}`, '"total": 99'));
    const again = await run(out, '--until', 'params');
    expect(again.stderr).toMatch(/plan {2}params\s+cache entry corrupt \(entry\.json was changed after it was written/);
    expect(stage(out, 'params').data.total).toBe(truth);
    const created = JSON.parse(readFileSync(entryFile, 'utf8')).createdAt;
    await new Promise((r) => setTimeout(r, 20));
    const forced = await run(out, '--until', 'params', '--force', 'params');
    expect(forced.stderr).toMatch(/passed params/);
    expect(JSON.parse(readFileSync(entryFile, 'utf8')).createdAt).not.toBe(created); // replaced, not kept
  });

  it('--out on another filesystem than the cache (tmpfs) works and leaks no staging folder', async () => {
    const out = join('/dev/shm', `zf-exdev-${process.pid}`);
    rmSync(out, { recursive: true, force: true });
    const r = await run(out, '--until', 'params');
    expect(r.stderr).not.toMatch(/EXDEV/);
    expect(r.exitCode).toBe(0);
    expect(execSync(`find ${JSON.stringify(w.cache)} -name '.tmp-*'`).toString()).toBe('');
    rmSync(out, { recursive: true, force: true });
  });

  it('a read-only output folder: one line naming the path and the cause, exit 1', async (ctx) => {
    const ro = join(w.dir, 'ro');
    if (!mountTmpfs(ro, 'ro,size=1m')) return ctx.skip(); // needs root and mount (CI here has both)
    mounts.push(ro);
    const r = await run(join(ro, 'run'), '--until', 'params');
    expect(r.stderr).toMatch(/^zooforge: .*ro\/run: read-only file system \(EROFS\)$/m);
    expect(r.exitCode).toBe(1);
  });

  it('a full disk fails the stage with a clear line, accepts nothing half-written, and recovers once there is space', async (ctx) => {
    const full = join(w.dir, 'full');
    if (!mountTmpfs(full, 'size=64k')) return ctx.skip();
    mounts.push(full);
    const args = ['--until', 'simplify', '--cache', join(full, 'cache'), ...set('export.seed=7')];
    const r = await zooforge(['run', w.recipe, '--out', join(full, 'run'), ...args]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toMatch(/No space left on device|no space left on device/);
    if (existsSync(join(full, 'run', 'manifest.json'))) expect(manifest(join(full, 'run')).status).not.toBe('passed');
    const ok = await zooforge([
      'run',
      w.recipe,
      '--out',
      w.out('roomy'),
      ...args.slice(0, 2),
      '--cache',
      w.cache,
      ...set('export.seed=7'),
    ]);
    expect(ok.exitCode).toBe(0);
  });

  it('kill -9 during evaluate leaves a manifest that says running and no stale report beside the new model', async () => {
    const out = w.out('killed');
    expect((await run(out, '--until', 'report')).exitCode).toBe(0);
    expect(existsSync(join(out, 'report', 'report.md'))).toBe(true);
    const child = spawn(
      'node',
      [
        join(PROJECT_ROOT, 'bin', 'zooforge.js'),
        'run',
        w.recipe,
        '--out',
        out,
        '--cache',
        w.cache,
        '--set',
        'quantize.calibration_type=kl',
        '--set',
        'evaluate.limit=2000',
      ],
      { env: { ...process.env, CI: '1' } },
    );
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        if (/start evaluate/.test(d.toString())) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const m = manifest(out);
    expect(m.status).toBe('running');
    expect(m.stages.map((s) => s.id)).not.toContain('evaluate');
    expect(existsSync(join(out, 'report'))).toBe(false); // the old method's report is gone with its run
    expect(existsSync(join(out, 'evaluate'))).toBe(false);
    const q = m.stages.find((s) => s.id === 'quantize')!;
    expect(sha(join(out, q.outputs.model.path))).toBe(q.outputs.model.sha256); // the visible model is the manifest's
    expect(readdirSync(out)).not.toContain('.lock.takeover');
  });

  it('host timings taken while the machine is busy are marked and never cached', async () => {
    const out = w.out('busy');
    const hogs = [0, 1].map(() => spawn('node', ['-e', 'for (;;) {}'])); // both cores taken by someone else
    try {
      const r = await run(out, '--until', 'perf', ...set('evaluate.perf_runs=30'));
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/warn {2}perf\s+not cached: other processes used \d+ % of the CPU while timing/);
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
    }
    const p = stage(out, 'perf');
    expect((p.data.machine_load as { busy: boolean }).busy).toBe(true);
    expect(existsSync(join(w.cache, p.key!.slice(0, 2), p.key!))).toBe(false);
    expect(p.notCached).toMatch(/^other processes used \d+ % of the CPU/);
    // the next plan says why it runs again (it once said "cache entry removed")
    const plan = await zooforge([
      'plan',
      w.recipe,
      '--out',
      out,
      '--cache',
      w.cache,
      '--until',
      'perf',
      ...set('evaluate.perf_runs=30'),
    ]);
    expect(plan.stdout).toMatch(
      /^perf\s+runs again: its last result was not cached \(other processes used \d+ % of the CPU/m,
    );
  });
});
