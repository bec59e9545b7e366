import { describe, expect, it } from 'vitest';
import { loadRecipe } from '../../../pipeline/recipe/load.ts';
import { workerCode } from '../../../pipeline/stages/common.ts';
import { STAGES, stagesFeeding, WORKERS } from '../../../pipeline/stages/index.ts';
import { STAGE_ORDER } from '../../../pipeline/stages/order.ts';

/** Every recipe shape that switches stages on: the demo on each backend, with sensitivity and tune. */
const VARIANTS = [
  ['quantize.backend=ort', 'sensitivity.enabled=true', 'tune.max_drop=0.5'],
  ['quantize.backend=horizon', 'board={host: b}'],
  ['quantize.backend=horizon', 'quantize.calibration_type=skip'],
  ['simplify.tool=none', 'quantize.backend=ort'],
];

describe('the stage registry', () => {
  it('is in STAGE_ORDER, and a stage only reads the outputs of stages before it (so the order is a valid schedule)', async () => {
    expect(STAGES.map((s) => s.id)).toEqual([...STAGE_ORDER]);
    for (const set of VARIANTS) {
      const loaded = loadRecipe('yaml/fashion_resnext.yaml', set);
      for (const [i, stage] of STAGES.entries()) {
        if (stage.disabledBecause?.(loaded)) continue; // the engine never asks an off stage for its inputs
        const { files } = await stage.inputs({ loaded });
        for (const [name, f] of Object.entries(files)) {
          if (!('stage' in f)) continue;
          expect(
            STAGE_ORDER.indexOf(f.stage as never),
            `${stage.id}.${name} reads ${f.stage} (${set.join(' ')})`,
          ).toBeGreaterThanOrEqual(0);
          expect(STAGE_ORDER.indexOf(f.stage as never), `${stage.id}.${name} reads ${f.stage}`).toBeLessThan(i);
        }
      }
    }
  });

  it("gives a worker one name: its stage's id, its module's and its contract file's", () => {
    for (const stage of STAGES.filter((s) => s.worker)) expect(stage.worker!.name).toBe(stage.id);
    expect(WORKERS.map((w) => w.name)).toContain('ray_run');
  });

  it('keys every worker on its module, its local imports and its contract', () => {
    for (const { name } of WORKERS) {
      const code = workerCode(name);
      expect(Object.keys(code), name).toEqual(
        expect.arrayContaining(['code.worker', 'code.contract', 'code.zooforge.protocol.worker']),
      );
      expect('path' in code['code.contract'] && code['code.contract'].path).toMatch(
        new RegExp(`protocol/contracts/${name}\\.json$`),
      );
    }
    expect(Object.keys(workerCode('quantize'))).toEqual(
      expect.arrayContaining(['code.zooforge.calibration.search', 'code.zooforge.calibration.calibrator']),
    );
  });

  it('finds the stages one stage reads from, through its file inputs (what mapper-config runs)', async () => {
    const ids = async (set: string[]) =>
      (
        await stagesFeeding(
          'mapper_config',
          loadRecipe('yaml/fashion_resnext.yaml', ['quantize.backend=horizon', ...set]),
        )
      ).map((s) => s.id);
    expect(await ids([])).toEqual(['preprocess', 'mapper_config']);
    // node names are resolved in the exported graph: the export comes along, and simplify only where it is on
    const named = 'quantize.node_info={"/stem/conv/Conv": {ON: CPU}}';
    expect(await ids([named])).toEqual(['preprocess', 'export', 'simplify', 'node_names', 'mapper_config']);
    expect(await ids([named, 'simplify.tool=none'])).toEqual(['preprocess', 'export', 'node_names', 'mapper_config']);
  });
});
