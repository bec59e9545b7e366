import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompareRow } from '../../pipeline/commands/compare.ts';
import { workerData } from '../../pipeline/contracts/workers.ts';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import type { ReportData } from '../../pipeline/report/model.ts';
import { quantizeWorker } from '../../pipeline/stages/quantize.ts';
import { zooforge } from '../helpers/cli.ts';
import { tmp } from '../helpers/tmp.ts';
import { warmCache } from '../helpers/warm-cache.ts';

const RECIPE = 'yaml/fashion_resnext.yaml';

describe('Fashion-MNIST recipe, end to end on real data (export -> report)', () => {
  const dir = tmp('zf-fashion-');
  const cache = warmCache(join(dir, 'cache'));
  const out = join(dir, 'run');
  let manifest: Manifest;
  let report: ReportData;

  beforeAll(async () => {
    const r = await zooforge(['run', RECIPE, '--out', out, '--cache', cache]);
    expect(r.stderr).toContain('passed in');
    expect(r.exitCode).toBe(0);
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    report = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8'));
  });

  it('reaches >= 90 % float Top-1 on the full 10k test set, int8 within 0.3 points', () => {
    expect(report.n).toBe(10000);
    expect(report.float!.top1).toBeGreaterThanOrEqual(90);
    expect(Math.abs(report.float!.top1 - report.quant!.top1)).toBeLessThanOrEqual(0.3);
    expect(report.mean_output_cosine).toBeLessThan(1); // int8 really differs from float
    const q = workerData(quantizeWorker).parse(manifest.stages.find((s) => s.id === 'quantize')!.data);
    expect(q.qdq_nodes.QuantizeLinear).toBeGreaterThan(10);
    // hb_mapper's words for the winner of its X5 grid (method x per_channel x asymmetric)
    expect(q.selected).toMatch(
      /^Select (max|max-percentile:percentile=0\.99995|kl)(,per_channel)?(,asymmetric)? method\.$/,
    );
    expect(q.search).toHaveLength(12);
  });

  it('paired counts add up to the Top-1 delta', () => {
    const f = report.flips!;
    expect(f.both_right + f.float_only + f.quant_only + f.both_wrong).toBe(report.n);
    const delta = report.quant!.top1 - report.float!.top1;
    expect(delta).toBeCloseTo((100 * (f.quant_only - f.float_only)) / report.n!, 10);
    // the drop is the same number with the other sign, and its interval excludes 0 exactly when McNemar says so
    const drop = report.drop!;
    expect(drop.points).toBeCloseTo(-delta, 10);
    expect(drop.lo <= drop.points && drop.points <= drop.hi).toBe(true);
    expect(drop.lo > 0 || drop.hi < 0).toBe(report.mcnemar_p! < 0.05);
    // McNemar's exact test, recomputed here from the discordant counts: two-sided binomial(b + c, 1/2) tail.
    const n = f.float_only + f.quant_only;
    const k = Math.min(f.float_only, f.quant_only);
    let logC = 0;
    let tail = 0;
    for (let i = 0; i <= k; i++) {
      if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
      tail += Math.exp(logC - n * Math.LN2);
    }
    expect(report.mcnemar_p).toBeCloseTo(Math.min(1, 2 * tail), 12);
  });

  it('every report number is traceable to a stage result in manifest.json', () => {
    const evaluate = manifest.stages.find((s) => s.id === 'evaluate')!;
    expect(report.provenance.evaluate).toBe(evaluate.key);
    expect((evaluate.data as { float: { top1: { percent: number } } }).float.top1.percent).toBe(report.float!.top1);
    expect(evaluate.inputs!.files.quant_model).toBe(
      manifest.stages.find((s) => s.id === 'quantize')!.outputs.model.sha256,
    );
    expect(manifest.tools.onnxruntime).toMatch(/^\d+\.\d+/);
    expect(manifest.preprocessing).toMatchObject({ colour: 'gray', size: [28, 28], mean: [0.286], std: [0.353] });
    for (const f of ['report.md', 'report.json', 'report.html']) expect(existsSync(join(out, 'report', f))).toBe(true);
    expect(report.params.total).toBe(54794); // BatchNorm folded into Conv: torch counts 55,658
    expect(readFileSync(join(out, 'report', 'report.md'), 'utf8')).toContain('| FashionResNeXt | 28x28 | 10 | 0.05 |');
  });

  it('re-runs nothing on a second run, and changing one quantization setting re-runs only its dependents', async () => {
    const again = await zooforge(['run', RECIPE, '--out', out, '--cache', cache]);
    expect(again.exitCode).toBe(0);
    for (const id of ['export', 'simplify', 'params', 'calibration', 'quantize', 'evaluate'])
      expect(again.stderr).toMatch(new RegExp(`cached ${id}`));
    // Timings taken while other processes were busy (another test file, in a parallel suite) are not cached.
    const firstPerf = manifest.stages.find((s) => s.id === 'perf')!.data as { machine_load: { busy: boolean } };
    expect(again.stderr).toMatch(firstPerf.machine_load.busy ? /passed perf/ : /cached perf/);

    const plan = await zooforge([
      'plan',
      RECIPE,
      '--out',
      out,
      '--cache',
      cache,
      '--set',
      'quantize.calibration_type=max',
    ]);
    expect(plan.stdout).toMatch(/export\s+cached \(key [0-9a-f]{12}…\)/);
    expect(plan.stdout).toMatch(/calibration\s+cached/);
    expect(plan.stdout).toMatch(/quantize\s+runs because quantize\.calibration_type changed/);
    expect(plan.stdout).toMatch(/evaluate\s+runs after quantize/);
  });

  it('evaluating the same models twice gives identical numbers', async () => {
    const other = join(dir, 'again');
    const r = await zooforge(['run', RECIPE, '--out', other, '--cache', cache, '--force', 'evaluate']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/passed evaluate/);
    const second = JSON.parse(readFileSync(join(other, 'report', 'report.json'), 'utf8')) as ReportData;
    expect(second.float).toEqual(report.float);
    expect(second.quant).toEqual(report.quant);
    expect(second.flips).toEqual(report.flips);
  });

  it('compare tabulates runs, and an existing hb_mapper calibration dir works as the calibration set', async () => {
    const hbDir = join(out, 'calibration', 'calibration_data_gray_f32'); // hb_mapper's own format, written by the first run
    const other = join(dir, 'from-hb-dir');
    const r = await zooforge([
      'run',
      RECIPE,
      '--out',
      other,
      '--cache',
      cache,
      '--set',
      `calibration.dataset={hb_calibration_dir: {path: ${hbDir}}}`,
      '--set',
      'evaluate.perf_runs=0',
      '--set',
      'evaluate.limit=2000', // what it checks is the calibration set's source and compare's table
      '--set',
      'quantize.calibration_type=max',
    ]);
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(other, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.stages.find((s) => s.id === 'calibration')!.data).toMatchObject({
      dataset: 'hb_calibration_dir',
      count: 100,
    });
    const table = await zooforge(['compare', out, other, join(dir, 'nothing-here'), '--json']);
    expect(table.exitCode).toBe(0);
    expect(table.stderr).toMatch(/nothing-here: no report\/report\.json .*: skipped/); // skipped, not fatal
    const { rows, sorted_by } = JSON.parse(table.stdout) as {
      sorted_by: string;
      rows: CompareRow[];
    };
    expect(sorted_by).toBe('int8 Top-1, highest first');
    expect(rows.map((x) => x.run).sort()).toEqual(['from-hb-dir', 'run']);
    for (const x of rows) expect(x.drop).toBeCloseTo(x.float_top1! - x.quant_top1!, 10);
    const hb = rows.find((x) => x.run === 'from-hb-dir')!;
    expect([hb.model, hb.n]).toEqual(['FashionResNeXt', 2000]);
    expect(hb.params_m).toBe(0.05); // report.json's params.millions (54,794 parameters, rounded there)
    // what differs between the two runs, and nothing else
    expect(Object.keys(hb.settings)).toEqual(
      expect.arrayContaining([
        'evaluate.limit',
        'quantize.calibration_type',
        'calibration.dataset.hb_calibration_dir.path',
      ]),
    );
    expect(hb.settings['quantize.calibration_type']).toBe('"max"');
    expect(Object.keys(hb.settings)).not.toContain('model.name');
    expect((await zooforge(['compare', out])).stdout).toMatch(
      /^\| run \| model \| n \| params \(M\) \| backend \| calibration \| float Top-1 \| int8 Top-1 \| drop \|/,
    );
    const csv = (await zooforge(['compare', out, other, '--format', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^run,model,n,params \(M\),backend,calibration,/);
    expect(csv).toHaveLength(3);
  });
});
