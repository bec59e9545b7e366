import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { workerData } from '../../pipeline/contracts/workers.ts';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { num } from '../../pipeline/report/format.ts';
import type { ReportData } from '../../pipeline/report/model.ts';
import { exportWorker } from '../../pipeline/stages/export.ts';
import { quantizeWorker } from '../../pipeline/stages/quantize.ts';
import { workerEnv } from '../../pipeline/tools/python.ts';
import { zooforge } from '../helpers/cli.ts';
import { tmp } from '../helpers/tmp.ts';
import { warmCache } from '../helpers/warm-cache.ts';

// quantize.emulate on the Fashion demo, and the artefact check: the int8 ONNX a run writes, loaded by a plain
// onnxruntime.InferenceSession (default options), gives the Top-1 the report states.
const RECIPE = 'yaml/fashion_resnext.yaml';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

async function run(dir: string, name: string, set: string[], recipe = RECIPE) {
  const out = join(dir, name);
  if (!existsSync(join(dir, 'cache'))) warmCache(join(dir, 'cache'));
  const r = await zooforge([
    'run',
    recipe,
    '--out',
    out,
    '--cache',
    join(dir, 'cache'),
    '--set',
    'evaluate.perf_runs=0',
    '--set',
    'evaluate.limit=2000', // the first 2000 test images: what these tests check does not need all 10k
    ...set.flatMap((s) => ['--set', s]),
  ]);
  expect(r.exitCode, r.stderr).toBe(0);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const report = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as ReportData;
  const plain = await execa(
    VENV_PYTHON,
    [join(PROJECT_ROOT, 'test', 'helpers', 'plain_ort_top1.py'), out, String(report.n)],
    {
      env: workerEnv(),
    },
  );
  return {
    out,
    report,
    exported: workerData(exportWorker).parse(manifest.stages.find((s) => s.id === 'export')!.data),
    q: workerData(quantizeWorker).parse(manifest.stages.find((s) => s.id === 'quantize')!.data),
    plainTop1: (JSON.parse(plain.stdout) as { top1: number }).top1,
    stderr: r.stderr,
  };
}

describe('quantize.emulate: what the int8 model is for, and the artefact is what was measured', () => {
  const dir = tmp('zf-emulate-');

  it("bpu (the default): grouped convs int8, signed int8 activations only, hb_mapper's 12-candidate grid; a plain ORT session reproduces the Top-1", async () => {
    const r = await run(dir, 'bpu', []);
    expect(r.q.emulate).toBe('bpu');
    expect(r.q.excluded_nodes).toEqual([]); // the X5 runs every node of this net on the BPU
    expect(Object.keys(r.q.precisions)).toEqual(['int8']); // no uint8 activation anywhere
    expect(r.q.scheme).toMatchObject({ activations: 'int8', int16_tensors: [], all_int16: false });
    expect(r.q.search.map((s) => `${s.method}/${s.per_channel}/${s.asymmetric}`)).toHaveLength(12);
    expect(new Set(r.q.search.map((s) => s.asymmetric))).toEqual(new Set([true, false]));
    expect(r.q.calibrated_on).toBe(100); // ranges from every calibration image
    expect(r.q.scored_on).toBe(16);
    expect(r.plainTop1).toBe(r.report.quant!.top1);
    const md = readFileSync(join(r.out, 'report', 'report.md'), 'utf8');
    expect(md).toContain('Emulates the RDK X5 BPU (quantize.emulate: bpu)');
    expect(md).toMatch(/ranges from all 100, the method search scored on the last 16 of them/);
  });

  it('optimization bias_correction and quantize.equalize are applied (bias_correction not called hb_mapper-only); the written file gives the reported Top-1', async () => {
    const r = await run(dir, 'bias', [
      'quantize.optimization=[bias_correction]',
      'quantize.equalize=true',
      'quantize.calibration_type=max',
    ]);
    expect(r.q.bias_corrected).toBe(true);
    expect(r.q.equalized).toBeGreaterThan(0); // the demo's ResNeXt blocks: Conv -> Relu -> Conv
    expect(r.stderr).not.toMatch(/bias_correction.*hb_mapper-only/);
    expect(r.plainTop1).toBe(r.report.quant!.top1);
    const md = readFileSync(join(r.out, 'report', 'report.md'), 'utf8');
    expect(md).toContain('bias_correction: each Conv/Gemm bias absorbs');
    expect(md).toMatch(/cross-layer equalization: \d+ Conv-Relu-Conv chain/);
  });

  it("host_model under bpu: the host model is built beside the bpu one from the same calibration; latency times it, accuracy stays the bpu model's", async () => {
    const r = await run(dir, 'both', [
      'quantize.host_model=true',
      'quantize.calibration_type=max',
      'evaluate.perf_runs=5',
    ]);
    expect(r.q.emulate).toBe('bpu');
    expect(r.q.host_model).toBe(true);
    expect(r.q.host_speed!.tried.length).toBeGreaterThan(1); // its float placement measured, as under emulate host
    expect(Object.keys(r.q.precisions)).toEqual(['int8']); // the accuracy model is still the bpu one
    expect(r.plainTop1).toBe(r.report.quant!.top1);
    const manifest = JSON.parse(readFileSync(join(r.out, 'manifest.json'), 'utf8')) as Manifest;
    const perf = manifest.stages.find((s) => s.id === 'perf')!;
    const sha = (f: string): string => sha256(join(r.out, 'quantize', f));
    expect(perf.inputs!.files.quant_model).toBe(sha('model_int8_host.onnx')); // the manifest traces the latency to the host model
    expect(sha('model_int8_host.onnx')).not.toBe(sha('model_int8.onnx'));
    expect(readFileSync(join(r.out, 'report', 'report.md'), 'utf8')).toContain(
      'the emulate host int8 model built beside the bpu one from the same calibration pass',
    );
  });

  it('set_all_nodes_int16 under bpu writes int16 Q/DQ for every activation, and says nothing of it being ignored', async () => {
    const r = await run(dir, 'int16', ['quantize.optimization=[set_all_nodes_int16]', 'quantize.calibration_type=max']);
    expect(r.q.precisions.int16).toBeGreaterThan(10);
    expect(r.q.precisions.int8 ?? 0).toBe(0);
    expect(r.stderr).not.toMatch(/set_all_nodes_int16.*(does not apply|hb_mapper-only)/);
    expect(r.plainTop1).toBe(r.report.quant!.top1);
  });

  it.each(['fashion_mobilenet', 'fashion_repvgg'])(
    'the committed proxy %s reaches at least 90 percent float Top-1 and quantizes under emulate bpu, depthwise and fused convs int8',
    async (net) => {
      const r = await run(dir, net, [], `yaml/${net}.yaml`);
      expect(r.report.float!.top1).toBeGreaterThanOrEqual(90);
      expect(r.q.excluded_nodes).toEqual([]);
      expect(Object.keys(r.q.precisions)).toEqual(['int8']);
      expect(r.plainTop1).toBe(r.report.quant!.top1);
      if (net === 'fashion_repvgg') expect(r.exported.reparameterized?.modules).toBe(8); // exported fused, as deployed
    },
  );

  it('host: which op types stay float is measured (both latencies recorded); float choices are baked into the file', async () => {
    const measured = await run(dir, 'host', ['quantize.emulate=host', 'quantize.calibration_type=max']);
    const hs = measured.q.host_speed!;
    const tried = hs.tried.map((t) => t.float_op_types);
    expect(tried[0]).toEqual([]);
    expect(tried).toContainEqual(['GroupedConv']);
    const denseOnly = tried.find((t) => t.includes('GroupedConv') && t.includes('Add'))!; // all but the dense convs and Gemm
    expect(denseOnly).not.toContain('Gemm');
    // widened groups (timed per node, so present or not by measurement): always said, and the chosen ones recorded
    for (const t of hs.tried) expect(t.label.includes('widened')).toBe(t.regrouped > 0);
    expect(Object.keys(hs.regrouped).length).toBe(hs.tried.find((t) => t.label === hs.label)!.regrouped);
    expect(measured.q.host_speed!.fp32_ms).toBeGreaterThan(0);
    expect(measured.q.float_op_types).toEqual(measured.q.host_speed!.chosen);
    expect(measured.q.excluded_nodes).toEqual(expect.arrayContaining(measured.q.host_speed!.float_nodes));
    // kept: the first (in order) within 10 % of the fastest; when none beats fp32 by 10 %, every op int8
    const best = Math.min(...hs.tried.map((t) => t.int8_ms));
    const kept = hs.tried.findIndex((t) => t.label === hs.label);
    if (best > 0.9 * hs.fp32_ms) expect(kept).toBe(0);
    else {
      expect(hs.int8_ms).toBeLessThanOrEqual(1.1 * best);
      for (const t of hs.tried.slice(0, kept)) expect(t.int8_ms).toBeGreaterThan(1.1 * best);
    }
    const md = readFileSync(join(measured.out, 'report', 'report.md'), 'utf8');
    expect(md).toContain(`int8 ${num(hs.int8_ms)} ms with int8 on ${hs.label}`);
    expect(md).toContain(`Kept: ${hs.decided_by}.`);
    const pin = { float_op_types: hs.chosen, float_nodes: hs.float_nodes, regrouped: hs.regrouped };
    expect(md).toContain(`host_placement: ${JSON.stringify(pin)}`);
    // the placement pinned from the report builds the same file without timing one
    const pinned = await run(dir, 'host-pinned', [
      'quantize.emulate=host',
      'quantize.calibration_type=max',
      `quantize.host_placement=${JSON.stringify(pin)}`,
    ]);
    expect(pinned.q.host_speed!.decided_by).toBe('quantize.host_placement');
    expect(pinned.q.host_speed!.tried).toHaveLength(1);
    expect(sha256(join(pinned.out, 'quantize', 'model_int8.onnx'))).toBe(
      sha256(join(measured.out, 'quantize', 'model_int8.onnx')),
    );
    // the same pinned file run by OpenVINO (quantize.host_runtime): its timings and int8 accuracy are OpenVINO's
    const ov = await run(dir, 'host-openvino', [
      'quantize.emulate=host',
      'quantize.calibration_type=max',
      `quantize.host_placement=${JSON.stringify(pin)}`,
      'quantize.host_runtime=openvino',
      'evaluate.perf_runs=5',
    ]);
    expect(sha256(join(ov.out, 'quantize', 'model_int8.onnx'))).toBe(
      sha256(join(pinned.out, 'quantize', 'model_int8.onnx')),
    );
    expect(ov.q.host_speed!.runtime).toMatch(/^OpenVINO 2026\.4\.1 \(CPU\)$/);
    expect(pinned.q.host_speed!.runtime).toMatch(/^ONNX Runtime 1\.32\.0/);
    expect(ov.report.perf).toMatchObject({ label: 'host', runtime: 'OpenVINO 2026.4.1 (CPU)' });
    expect(ov.report.float!.top1).toBe(pinned.report.float!.top1); // float stays in ONNX Runtime
    expect(Math.abs(ov.report.quant!.top1 - pinned.report.quant!.top1)).toBeLessThanOrEqual(0.5); // its own kernels
    expect(readFileSync(join(ov.out, 'report', 'report.md'), 'utf8')).toContain(
      'Measured for emulate host in OpenVINO',
    );
    expect(Object.keys(measured.q.precisions)).toEqual(['uint8']);
    expect(measured.plainTop1).toBe(measured.report.quant!.top1);
    // grouped convs kept float on request: ORT's WeightBiasQuantization would re-quantize them in a plain session
    // unless the graph itself keeps them float
    const grouped = await run(dir, 'host-grouped', [
      'quantize.emulate=host',
      'quantize.float_op_types=[GroupedConv]',
      'quantize.calibration_type=max',
    ]);
    expect(grouped.q.excluded_nodes.length).toBeGreaterThan(0);
    expect(grouped.q.host_speed).toBeNull();
    expect(grouped.plainTop1).toBe(grouped.report.quant!.top1);
  });
  it('host: five cold runs of the MobileNet-style net (timing decides only on a clear margin) write one int8 file', async () => {
    const files = new Set<string>();
    const out = join(dir, 'host-cold');
    for (let k = 0; k < 5; k++) {
      const args = ['run', 'yaml/fashion_mobilenet.yaml', '--until', 'quantize', '--force', 'quantize'];
      const r = await zooforge([
        ...args,
        '--out',
        out,
        '--cache',
        join(dir, 'cache'),
        '--set',
        'quantize.emulate=host',
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      files.add(sha256(join(out, 'quantize', 'model_int8.onnx')));
    }
    expect(files.size).toBe(1);
  });
});
