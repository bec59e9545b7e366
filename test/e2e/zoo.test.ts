import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { workerData } from '../../pipeline/contracts/workers.ts';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { countByStatus, nodeNamesWorker } from '../../pipeline/stages/node-names.ts';
import { quantizeWorker } from '../../pipeline/stages/quantize.ts';
import { loadCatalog } from '../../pipeline/zoo/catalog.ts';
import { type CheckRow, checkModel, checkTable } from '../../scripts/zoo/check.ts';
import { tmp } from '../helpers/tmp.ts';

const CLI = join(PROJECT_ROOT, 'bin', 'zooforge.js');
const onnxNodeNames = (file: string): string[] =>
  onnxProto.onnx.ModelProto.decode(readFileSync(file)).graph!.node!.map((n) => n.name!);

// The quick subset of `npm run zoo:check`: the three models whose LayerNorm axes=[-1] crashed the parameter scanner,
// one re-parameterized model, one whose weights onnxsim folds into Constant nodes. Random weights, the 20 photos.
const SUBSET = ['ConvNeXt_atto', 'EdgeNeXt_xx_small', 'EfficientFormer_l1', 'RepVGG_A0', 'FasterNet_T0'];

describe('zoo models end to end on the ort backend (quick subset of npm run zoo:check)', () => {
  const root = tmp('zf-zoo-check-');
  const rows: CheckRow[] = [];

  it.each(SUBSET)(
    '%s: zoo new, then export -> simplify -> params -> calibration -> quantize -> evaluate -> report',
    async (name) => {
      const m = loadCatalog().models.find((x) => x.model === name)!;
      // max ranges, no method search: what this subset checks is the pipeline's mechanics on these graphs (the
      // search costs minutes per 224x224 model on 2 cores; npm run zoo:check runs it)
      // perf only where the report's row is checked (RepVGG_A0, below)
      const perf = name === 'RepVGG_A0' ? [] : ['evaluate.perf_runs=0'];
      const row = await checkModel(m, root, ['quantize.calibration_type=max', ...perf]);
      rows.push(row);
      expect(row.stages).toBe('all passed');
      expect(row.cosine).toBeGreaterThan(0.9);
      // within 1 % of the zoo's Parameter (M), or exactly the count the catalog's note was measured at
      expect(
        row.match === 'yes' || (row.oursM !== null && Math.round(row.oursM * 1e6) === m.params_ours),
        `${name}: ours ${row.oursM} M, zoo ${row.zooM} M`,
      ).toBe(true);
      expect(row.ok).toBe(true);
    },
  );

  it("emulate bpu honours the zoo configs' int16: node_info int16 tensors (ConvNeXt_atto) and set_all_nodes_int16 (EfficientFormer_l1) as int16 Q/DQ", () => {
    const quant = (model: string) =>
      workerData(quantizeWorker).parse(
        (JSON.parse(readFileSync(join(root, model, 'run', 'manifest.json'), 'utf8')) as Manifest).stages.find(
          (s) => s.id === 'quantize',
        )!.data,
      );
    const convnext = quant('ConvNeXt_atto');
    expect(convnext.emulate).toBe('bpu');
    expect(convnext.scheme.int16_tensors.length).toBeGreaterThan(0);
    expect(convnext.precisions.int16).toBeGreaterThan(0);
    expect(convnext.precisions.int8).toBeGreaterThan(convnext.precisions.int16);
    expect(convnext.warnings.filter((w) => /keeps it float/.test(w))).toEqual([]); // bpu runs them int16
    // the zoo's '/…/downsample.0/Div_mul' is hb_mapper's name for the Mul it makes of our Div: emulated on the Div
    const names = (model: string) =>
      workerData(nodeNamesWorker).parse(
        (JSON.parse(readFileSync(join(root, model, 'run', 'manifest.json'), 'utf8')) as Manifest).stages.find(
          (s) => s.id === 'node_names',
        )!.data,
      );
    expect(countByStatus(names('ConvNeXt_atto').rows)).toEqual({
      exact: 7,
      hb_mapper: 1,
      translated: 0,
      unresolved: 0,
    });
    const derived = names('ConvNeXt_atto').rows.find((r) => r.status === 'hb_mapper')!;
    expect(derived.name).toMatch(/\/Div_mul$/);
    expect(derived.node).toBe(derived.name.replace(/_mul$/, ''));
    expect(derived.hb_name).toBe(derived.name); // hb_mapper makes that node itself: it is given its own name
    // GELU's x0.5 is the zoo exporter's Mul_1 and our only Mul in that module
    expect(names('FasterNet_T0').rows.find((r) => r.status === 'translated')).toMatchObject({
      name: '/stages/stages.0/blocks/blocks.0/mlp/mlp.2/Mul_1',
      node: '/stages/stages.0/blocks/blocks.0/mlp/mlp.2/Mul',
      how: 'the only Mul in module stages.0.blocks.0.mlp.2',
    });
    // onnxsim fuses EdgeNeXt's Linear (MatMul + Add) into a Gemm it names itself: the one node reading its weights;
    // with random weights it also folds LayerNorm's x1 away: said, and dropped as the check asks
    const edge = names('EdgeNeXt_xx_small');
    expect(countByStatus(edge.rows)).toEqual({ exact: 12, hb_mapper: 1, translated: 2, unresolved: 1 });
    expect(edge.rows.filter((r) => r.status === 'unresolved').map((r) => [r.name, r.how])).toEqual([
      ['/stem/stem.1/Mul', 'onnxsim removed it (it is in the exported graph)'],
    ]);
    expect(edge.rows.find((r) => r.name.endsWith('blocks.1/mlp/fc1/MatMul'))!.how).toMatch(
      /^onnxsim made it part of Gemm_\d+, which reads its weights$/,
    );
    // every int16 tensor is int16 in the model, or named: the LayerNorm pieces ORT's quantizer has no Q/DQ form for
    const leftFloat = convnext.warnings.find((w) => w.startsWith('node_info int16 names tensors'));
    expect(leftFloat).toMatch(/ReduceMean/);
    expect(convnext.precisions.int16 + leftFloat!.split(': ').pop()!.split(', ').length).toBeGreaterThanOrEqual(
      convnext.scheme.int16_tensors.length,
    );
    const former = quant('EfficientFormer_l1');
    expect(former.scheme.all_int16).toBe(true);
    expect(Object.keys(former.precisions)).toEqual(['int16']);
  });

  it("FastViT_T8: mapper-config writes the zoo's node_info names as the nodes of the graph zooforge exports (translated through timm's mapping of Apple's names)", async () => {
    const recipe = join(root, 'fastvit_t8.yaml');
    const env = { ZOOFORGE_CACHE: join(root, 'cache') };
    await execa('node', [CLI, 'zoo', 'new', 'FastViT_T8', '--out', recipe]);
    const off = ['--set', 'model.pretrained=false'];
    const config = await execa('node', [CLI, 'mapper-config', recipe, ...off], { env });
    const written = Object.keys(
      (parseYaml(config.stdout) as { model_parameters: { node_info: object } }).model_parameters.node_info,
    );
    expect(written).toHaveLength(10);
    const run = join(root, 'fastvit_t8');
    await execa('node', [CLI, 'run', recipe, ...off, '--until', 'node_names', '--out', run, '--plain'], { env });
    const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as Manifest;
    const graph = onnxNodeNames(join(run, m.stages.find((s) => s.id === 'simplify')!.outputs.model!.path));
    expect(written.filter((n) => !graph.includes(n))).toEqual([]);
    expect(written).toContain('/stem/stem.0/act/Mul'); // the zoo's /patch_embed/patch_embed.0/activation/Mul_1
    expect(written).toContain('/stages.2/blocks/blocks.3/mlp/conv/conv/Conv'); // its /network.4/network.4.3/convffn/…
    // a name that is nowhere stops the run with exit 2 and the nearest names; drop goes on without it
    const typo = ['--set', 'quantize.run_on_cpu=["/network.4/network.4.9/Addd"]'];
    const refused = await execa(
      'node',
      [CLI, 'run', recipe, ...off, ...typo, '--until', 'node_names', '--out', run, '--plain'],
      { env, reject: false },
    );
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(
      /\/network.4\/network.4.9\/Addd: network.4.9 is stages.2.blocks.9 here; no node of type 'Addd' in module stages.2.blocks \(nearest: \/stages.2\/blocks\/blocks.3\/Add/,
    );
    const dropped = await execa(
      'node',
      [CLI, 'mapper-config', recipe, ...off, ...typo, '--set', 'quantize.unresolved_nodes=drop'],
      { env },
    );
    expect(dropped.stdout).not.toMatch(/run_on_cpu/);
    expect(dropped.stderr).toMatch(/Addd.*dropped \(quantize.unresolved_nodes: drop\)/);
  });

  it('tabulates them', () => {
    expect(checkTable(rows).split('\n')).toHaveLength(2 + SUBSET.length);
  });

  it("the report puts the zoo's board row beside this run's, and says the re-parameterized form was exported", () => {
    const md = readFileSync(join(root, 'RepVGG_A0', 'run', 'report', 'report.md'), 'utf8');
    expect(md).toMatch(
      /^\| RepVGG_A0 \(zoo, RDK X5 board\) \| 224x224 \| 1000 \| 8\.30 \| 72\.41 \| 51\.75 \| 1\.85 ms \| 5\.21 ms \| 757\.73 \|$/m,
    );
    expect(md).toMatch(/^\| RepVGG_A0 \(this run, host\/ort, int8 emulating bpu\) \| 224x224 \| 1000 \| 8\.31 \|/m);
    expect(md).toMatch(/Exported re-parameterized \(the deployed form\): 22 modules fused/);
    // random weights beside the zoo's trained figures: said before any figure (issue 24.11)
    expect(md.indexOf('**Read this first**: Random weights (model.pretrained: false, no checkpoint)')).toBeLessThan(
      md.indexOf('| RepVGG_A0 (zoo'),
    );
    expect(md).toContain('not comparable with the reference figures beside them');
    const m = JSON.parse(readFileSync(join(root, 'RepVGG_A0', 'run', 'manifest.json'), 'utf8')) as Manifest;
    expect(m.stages.find((s) => s.id === 'export')!.data).toMatchObject({
      reparameterized: { modules: 22, top1_agreement: 1 },
    });
  });
});
