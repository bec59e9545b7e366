import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../pipeline/engine/events.ts';
import { KEPT_DIR } from '../../../pipeline/engine/keep-complete.ts';
import type { Manifest } from '../../../pipeline/engine/manifest.ts';
import type { Stage } from '../../../pipeline/engine/types.ts';
import { executeFakes, fakeStages, fakeWorkspace } from '../../helpers/fake-stages.ts';
import { tmp } from '../../helpers/tmp.ts';

const RECIPE = 'model: {name: m, source: {timm: resnet18}}\nquantize: {calibration_type: max}\n';

/** A last stage with the id the engine treats as the end of a complete run. */
const reportStage: Stage = {
  id: 'report',
  version: 1,
  title: 'Report',
  cacheable: false,
  inputs: () => ({ recipe: {}, files: { c: { stage: 'c', output: 'out' } }, tools: [] }),
  async run(ctx) {
    writeFileSync(join(ctx.workDir, 'report.md'), `report of ${ctx.loaded.recipe.quantize.calibration_type}\n`);
    return { outputs: { md: 'report.md' }, data: {} };
  },
};

describe("a finished run is the user's work product (issue 21.3, 21.6, 21.8, 21.12)", () => {
  let dir: string, input: string, recipe: string, out: string;
  beforeEach(() => {
    ({ dir, input, recipe, out } = fakeWorkspace('zf-complete-', RECIPE));
  });

  async function run(
    o: { until?: string; set?: string[]; failB?: boolean; emit?: (e: EngineEvent, m: () => Manifest) => void } = {},
  ) {
    const all = [...fakeStages({ inputFile: input, failB: o.failB }), reportStage];
    const stages = o.until ? all.slice(0, all.findIndex((s) => s.id === o.until) + 1) : all;
    const readTop = (): Manifest => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    const { manifest, events } = await executeFakes({
      recipe,
      set: o.set,
      stages,
      outDir: out,
      cacheDir: join(dir, 'cache'),
      emit: (e) => o.emit?.(e, readTop),
    });
    const end = events.find((e) => e.type === 'run-end') as Extract<EngineEvent, { type: 'run-end' }>;
    return { manifest, kept: end.kept };
  }
  const keptReports = (): string[] => {
    const root = join(out, KEPT_DIR);
    if (!existsSync(root)) return [];
    return readdirSync(root).map((v) => readFileSync(join(root, v, 'report', 'report.md'), 'utf8').trim());
  };

  it('a partial run keeps the complete run whole in complete/<variant>/; a complete run of that variant supersedes it', async () => {
    await run();
    expect(readFileSync(join(out, 'report', 'report.md'), 'utf8')).toBe('report of max\n');
    const partial = await run({ until: 'a' });
    expect(existsSync(join(out, 'report'))).toBe(false); // the top level is the partial run, as its manifest says
    expect(partial.manifest.stages.map((s) => s.id)).toEqual(['a']);
    expect(partial.kept).toMatch(/complete\/[0-9a-f]{12}$/);
    expect(readFileSync(join(partial.kept!, 'report', 'report.md'), 'utf8')).toBe('report of max\n');
    const keptManifest = JSON.parse(readFileSync(join(partial.kept!, 'manifest.json'), 'utf8')) as Manifest;
    expect(keptManifest.stages.map((s) => s.id)).toEqual(['a', 'b', 'c', 'report']);
    for (const id of ['a', 'b', 'c']) expect(existsSync(join(partial.kept!, id))).toBe(true);
    const again = await run();
    expect(again.kept).toBeUndefined();
    expect(keptReports()).toEqual([]);
  });

  it('a complete run of another variant, or a failed one, leaves the kept complete run in place', async () => {
    await run();
    const other = await run({ set: ['quantize.calibration_type=kl'] });
    expect(readFileSync(join(out, 'report', 'report.md'), 'utf8')).toBe('report of kl\n');
    expect(other.kept).toBeDefined();
    expect(keptReports()).toEqual(['report of max']);
    const failed = await run({ set: ['quantize.calibration_type=default'], failB: true });
    expect(failed.manifest.status).toBe('failed');
    expect(keptReports().sort()).toEqual(['report of kl', 'report of max']);
  });

  it.each([
    ['truncated', (text: string) => text.slice(0, 40)],
    ['stages is a string', (text: string) => JSON.stringify({ ...JSON.parse(text), stages: 'a,b' })],
    ['stages holds null', (text: string) => JSON.stringify({ ...JSON.parse(text), stages: [null] })],
    ['not an object', () => '42'],
  ])(
    'an unreadable previous manifest (%s): the next run clears every stage folder it could have listed',
    async (_name, damage) => {
      await run();
      mkdirSync(join(out, 'quantize')); // a folder a real pipeline would have, named in no manifest now
      writeFileSync(join(out, 'manifest.json'), damage(readFileSync(join(out, 'manifest.json'), 'utf8')));
      const partial = await run({ until: 'a' });
      expect(partial.manifest.status).toBe('passed');
      for (const id of ['report', 'quantize']) expect(existsSync(join(out, id)), id).toBe(false);
      expect(existsSync(join(out, 'a'))).toBe(true);
    },
  );

  it('a stage folder becomes visible only after the manifest lists it (a kill between the two leaves none unlisted)', async () => {
    // the manifest write after stage b fails (what a kill at that instant amounts to): b must not be visible
    const blocked = join(out, `manifest.json.${process.pid}.tmp`);
    await expect(
      run({
        emit: (e) => {
          if (e.type === 'stage-end' && e.id === 'b') mkdirSync(blocked);
        },
      }),
    ).rejects.toThrow(/EISDIR|illegal operation/);
    const listed = (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest).stages.map((s) => s.id);
    expect(listed).toEqual(['a']);
    expect(['a', 'b', 'c', 'report'].filter((id) => existsSync(join(out, id)))).toEqual(['a']);
  });
});

describe('an interruption reads the same whether the run could record it or not (issue 21.9)', () => {
  it("a killed run's unfinished manifest is marked interrupted once its lock is free; a live run's is left alone", async () => {
    const { recordInterrupted, writeManifest, readManifest } = await import('../../../pipeline/engine/manifest.ts');
    const out = tmp('zf-interrupted-');
    const running = {
      zooforge: '0',
      status: 'running',
      recipe: { path: 'r', sha256: '', overrides: [], resolved: {} },
      startedAt: '',
      python: { executable: '' },
      tools: {},
      stages: [],
    } as Manifest;
    await writeManifest(out, running);
    writeFileSync(join(out, '.lock'), `${process.pid} abc ${(await import('node:os')).hostname()}\n`); // held by a live process
    await recordInterrupted(out);
    expect(readManifest(out)!.status).toBe('running');
    writeFileSync(join(out, '.lock'), `${2 ** 22 + 1} abc ${(await import('node:os')).hostname()}\n`); // its owner was killed
    await recordInterrupted(out);
    expect(readManifest(out)!.status).toBe('interrupted');
  });
});
