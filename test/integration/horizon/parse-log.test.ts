import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../../pipeline/paths.ts';
import { zooforge } from '../../helpers/cli.ts';

const FIX = join(SHARED_DIR, 'fixtures', 'horizon');
const HRT_DIR = join(FIX, 'hrt');

describe('board-side output', () => {
  it.each(readdirSync(HRT_DIR))(
    'parse-log reads the hrt_model_exec log %s: model name, inputs and outputs with shapes, types, layouts',
    async (file) => {
      const r = await zooforge(['parse-log', join(HRT_DIR, file), '--json']);
      expect(r.exitCode).toBe(0);
      const info = JSON.parse(r.stdout) as {
        format: string;
        model: string;
        inputs: { name: string; valid_shape: number[]; tensor_type: string; layout: string }[];
        outputs: unknown[];
      };
      expect(info.format).toBe('hrt_model_exec');
      expect(info.model).toMatch(/^yolo/);
      expect(info.inputs.length).toBeGreaterThan(0);
      expect(info.outputs.length).toBeGreaterThan(0);
      for (const t of info.inputs)
        expect(t).toMatchObject({
          name: expect.any(String),
          tensor_type: expect.stringMatching(/^HB_DNN_/),
          layout: expect.stringMatching(/^HB_DNN_LAYOUT_/),
        });
      expect(info.inputs[0].valid_shape).toHaveLength(4);
    },
  );
});
