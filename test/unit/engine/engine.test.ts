import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CacheStore } from '../../../pipeline/cache/store.ts';
import type { EngineEvent } from '../../../pipeline/engine/events.ts';
import { execute } from '../../../pipeline/engine/execute.ts';
import { acquireLock } from '../../../pipeline/engine/lock.ts';
import type { Stage } from '../../../pipeline/engine/types.ts';
import { loadRecipe } from '../../../pipeline/recipe/load.ts';
import { PythonEnv } from '../../../pipeline/tools/python.ts';
import { executeFakes, fakeStages, fakeWorkspace } from '../../helpers/fake-stages.ts';

const RECIPE = `model: {name: m, source: {timm: resnet18}}
calibration: {dataset: {fashion_mnist: {split: train}}}
quantize: {calibration_type: max}
`;

describe('engine: cache keys, verification, failure and interruption', () => {
  let dir: string, input: string, recipe: string, cacheDir: string;
  const versions = { python: '3.11', torch: '1.13', onnxruntime: '1.32' };

  beforeEach(() => {
    ({ dir, input, recipe, cacheDir } = fakeWorkspace('zf-engine-', RECIPE));
  });

  async function run(
    o: {
      set?: string[];
      out?: string;
      failB?: boolean;
      offA?: string;
      versions?: Record<string, string>;
      force?: string[];
    } = {},
  ) {
    const runs: string[] = [];
    const result = await executeFakes({
      recipe,
      set: o.set,
      stages: fakeStages({ inputFile: input, failB: o.failB, offA: o.offA, runs }),
      outDir: o.out ?? join(dir, 'run'),
      cacheDir,
      force: o.force,
      versions: o.versions ?? versions,
    });
    const { events } = result;
    const key = (id: string) => result.manifest.stages.find((s) => s.id === id)!.key!;
    return { runs, events, manifest: result.manifest, key };
  }

  it('dependencies come from file inputs: a stage reading an off stage is off with the reason, never launched without its input', async () => {
    const r = await run({ offA: 'a is switched off by the recipe' });
    expect(r.runs).toEqual([]);
    expect(r.manifest.stages.map((s) => [s.id, s.status, s.reason])).toEqual([
      ['a', 'disabled', 'a is switched off by the recipe'],
      ['b', 'disabled', 'it reads a, which is off (a is switched off by the recipe)'],
      ['c', 'disabled', 'it reads b, which is off (a is switched off by the recipe)'],
    ]);
    expect(r.manifest.status).toBe('passed');
    const plan = r.events.find((e) => e.type === 'plan');
    expect(plan && plan.type === 'plan' && plan.stages.map((s) => s.action)).toEqual([
      'disabled',
      'disabled',
      'disabled',
    ]);
  });

  it('caches everything on a second run, and a corrupted entry is detected, reported and re-run', async () => {
    const first = await run();
    expect(first.runs).toEqual(['a', 'b', 'c']);
    expect(first.key('a')).toMatch(/^[0-9a-f]{64}$/);
    const second = await run();
    expect(second.runs).toEqual([]);
    expect(second.manifest.stages.map((s) => s.status)).toEqual(['cached', 'cached', 'cached']);

    const entry = join(cacheDir, first.key('b').slice(0, 2), first.key('b'), 'files', 'b.txt');
    writeFileSync(entry, 'tampered');
    const third = await run();
    expect(third.runs).toEqual(['b']); // c is keyed on b's output hash, which is back to what it was
    const plan = third.events.find((e) => e.type === 'plan');
    expect(plan && plan.type === 'plan' && plan.stages[1].reason).toMatch(
      /cache entry corrupt \(output out \(b\.txt\) has sha256/,
    );
    const fourth = await run(); // the re-run replaced the corrupt entry
    expect(fourth.runs).toEqual([]);
    expect(readFileSync(entry, 'utf8')).toBe('partial');
  });

  it('changes the key for a read recipe field, input bytes and a tool version; not for unread fields, mtimes or the out dir', async () => {
    const base = await run();
    const readField = await run({ set: ['export.opset=13'] });
    expect(readField.key('a')).not.toBe(base.key('a'));
    expect(readField.runs).toContain('a');

    const unread = await run({ set: ['evaluate.limit=10'], out: join(dir, 'elsewhere') });
    expect(unread.key('a')).toBe(base.key('a'));
    expect(unread.key('b')).toBe(base.key('b'));
    expect(unread.runs).toEqual([]);

    utimesSync(input, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await run()).key('a')).toBe(base.key('a'));

    writeFileSync(input, 'weights v2');
    const bytes = await run();
    expect(bytes.key('a')).not.toBe(base.key('a'));
    writeFileSync(input, 'weights v1');

    const tool = await run({ versions: { ...versions, onnxruntime: '1.31' } });
    expect(tool.key('a')).toBe(base.key('a'));
    expect(tool.key('b')).not.toBe(base.key('b'));
  });

  it('says why a stage re-runs', async () => {
    await run();
    const again = await run({
      set: ['quantize.calibration_type=kl', 'quantize.backend=ort'],
      versions: { ...versions, onnxruntime: '1.33' },
    });
    const plan = again.events.find((e) => e.type === 'plan');
    expect(plan && plan.type === 'plan' && plan.stages[1].reason).toBe(
      'runs because quantize.calibration_type changed, onnxruntime 1.32 -> 1.33',
    );
  });

  it('names a tool the last run did not key (a stage that keys one more tool since) without "undefined"', async () => {
    await run();
    const path = join(dir, 'run', 'manifest.json');
    const last = JSON.parse(readFileSync(path, 'utf8'));
    delete last.stages[1].inputs.tools.onnxruntime; // as an older zooforge wrote it
    writeFileSync(path, JSON.stringify(last));
    const again = await run({ versions: { ...versions, onnxruntime: '1.33' } });
    const plan = again.events.find((e) => e.type === 'plan');
    expect(plan && plan.type === 'plan' && plan.stages[1].reason).toBe(
      'runs because onnxruntime (not in the last key) -> 1.33',
    );
  });

  it('a failed stage caches nothing and its dependents are skipped and named', async () => {
    const r = await run({ failB: true });
    expect(r.manifest.status).toBe('failed');
    const [a, b, c] = r.manifest.stages;
    expect([a.status, b.status, c.status]).toEqual(['passed', 'failed', 'skipped']);
    expect(b.error).toBe('b broke');
    expect(b.detail).toBe('last log line');
    expect(c.reason).toBe('skipped because b failed');
    expect(existsSync(join(cacheDir, b.key!.slice(0, 2), b.key!))).toBe(false);
    expect(existsSync(join(dir, 'run', 'b'))).toBe(false);
    expect(existsSync(join(dir, 'run', '.tmp'))).toBe(false);
  });

  it('an interrupted stage leaves no cache entry and no temp files', async () => {
    const controller = new AbortController();
    const stages = fakeStages({ inputFile: input, hangB: true });
    const done = execute({
      loaded: loadRecipe(recipe),
      stages,
      outDir: join(dir, 'run'),
      cache: new CacheStore(cacheDir),
      force: [],
      signal: controller.signal,
      python: new PythonEnv('/unused', versions),
      emit: (e) => {
        if (e.type === 'stage-start' && e.id === 'b') setTimeout(() => controller.abort(), 50);
      },
    });
    const { manifest } = await done;
    expect(manifest.status).toBe('interrupted');
    expect(manifest.stages.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    const bKey = manifest.stages[1].key!;
    expect(existsSync(join(cacheDir, bKey.slice(0, 2), bKey))).toBe(false);
    expect(existsSync(join(dir, 'run', '.tmp'))).toBe(false);
    const shard = join(cacheDir, bKey.slice(0, 2));
    expect(existsSync(shard) && readdirSync(shard).some((n) => n.startsWith('.tmp'))).toBe(false);
  });

  it('writes a manifest with keys, inputs, outputs and tool versions', async () => {
    const r = await run();
    const onDisk = JSON.parse(readFileSync(join(dir, 'run', 'manifest.json'), 'utf8'));
    expect(onDisk.stages[0].inputs.files.src).toMatch(/^[0-9a-f]{64}$/);
    expect(onDisk.stages[0].inputs.tools).toEqual({ torch: '1.13' });
    expect(onDisk.stages[1].outputs.out.path).toBe('b/b.txt');
    expect(onDisk.tools).toEqual(versions);
    expect(readFileSync(join(dir, 'run', 'b', 'b.txt'), 'utf8')).toBe('partial');
    expect(r.manifest.recipe.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails a stage whose output path leaves its folder, and writes nothing outside', async () => {
    const escaping: Stage = {
      id: 'esc',
      version: 1,
      title: 'Escape',
      cacheable: true,
      inputs: () => ({ recipe: {}, files: {}, tools: [] }),
      async run(ctx) {
        writeFileSync(join(ctx.workDir, 'ok.txt'), 'x');
        return { outputs: { out: '../ok.txt' }, data: {} }; // what `working_dir: ..` in a tool config would yield
      },
    };
    const events: EngineEvent[] = [];
    const r = await execute({
      loaded: loadRecipe(recipe),
      stages: [escaping],
      outDir: join(dir, 'esc'),
      cache: new CacheStore(cacheDir),
      force: [],
      signal: new AbortController().signal,
      python: new PythonEnv('/unused', versions),
      emit: (e) => events.push(e),
    });
    expect(r.manifest.status).toBe('failed');
    expect(r.manifest.stages[0].error).toBe("esc: output out (../ok.txt) is not inside the stage's folder");
    expect(existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => !f.startsWith('.')) : []).toEqual([]);
  });

  it('refuses a second concurrent run on the same dir, and takes over a stale lock', () => {
    const out = join(dir, 'locked');
    const release = acquireLock(out);
    expect(() => acquireLock(out)).toThrow(/in use by another run in this same process/);
    release();
    writeFileSync(join(out, '.lock'), '999999999\n'); // a pid that cannot be alive
    const again = acquireLock(out);
    again();
    rmSync(out, { recursive: true });
  });
});
