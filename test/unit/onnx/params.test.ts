import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { CorruptInputError } from '../../../pipeline/errors.ts';
import { countParams } from '../../../pipeline/onnx/params.ts';
import { tmp } from '../../helpers/tmp.ts';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function tensor(name: string, dims: number[], external = false) {
  const n = dims.reduce((a, b) => a * b, 1);
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: FLOAT,
    ...(external
      ? {
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: 'w.bin' },
            { key: 'length', value: String(n * 4) },
          ],
        }
      : { rawData: new Uint8Array(n * 4).fill(7) }),
  });
}

/** conv.w (8x3x3x3) and shared.b (8) read by two nodes, fc.w external (10x8), a Constant of 2x2. */
function writeModel(dir: string): string {
  const graph = onnx.GraphProto.create({
    name: 'g',
    initializer: [tensor('conv.w', [8, 3, 3, 3]), tensor('shared.b', [8]), tensor('fc.w', [10, 8], true)],
    node: [
      onnx.NodeProto.create({ opType: 'Conv', input: ['x', 'conv.w', 'shared.b'], output: ['y'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['y', 'shared.b'], output: ['z'] }),
      onnx.NodeProto.create({
        opType: 'Constant',
        output: ['k'],
        attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor('k', [2, 2]) }],
      }),
      onnx.NodeProto.create({ opType: 'Gemm', input: ['z', 'fc.w'], output: ['out'] }),
    ],
  });
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 7, producerName: 'test', opsetImport: [{ domain: '', version: 11 }], graph }),
  ).finish();
  const file = join(dir, 'm.onnx');
  writeFileSync(file, bytes);
  writeFileSync(join(dir, 'w.bin'), Buffer.alloc(10 * 8 * 4, 1));
  return file;
}

describe('countParams (protobuf scanner)', () => {
  it('counts initializers once, external data included, plus floating-point Constant tensors', () => {
    const r = countParams(writeModel(tmp()));
    expect(r.initializerElements).toBe(8 * 27 + 8 + 80);
    expect(r.total).toBe(8 * 27 + 8 + 80 + 4);
    expect(r.initializers).toBe(3);
    expect(r.externalInitializers).toBe(1);
    expect(r.constants).toEqual({ count: 1, elements: 4, floatElements: 4 });
    expect(r.byOpType).toEqual({ Conv: 224, Gemm: 80, '(Constant nodes)': 4 });
    expect(r.largest.map((t) => t.name)).toEqual(['conv.w', 'fc.w', 'shared.b']);
    expect(r.opsets).toEqual({ 'ai.onnx': 11 });
    expect(r.producer).toBe('test');
  });

  it('names the byte offset of a truncated file, for every cut point', () => {
    const dir = tmp();
    const full = readFileSync(writeModel(dir));
    let corrupt = 0;
    for (let cut = 1; cut < full.length; cut += 7) {
      const f = join(dir, `cut${cut}.onnx`);
      writeFileSync(f, full.subarray(0, cut));
      try {
        countParams(f);
      } catch (err) {
        expect(err).toBeInstanceOf(CorruptInputError);
        expect((err as Error).message).toMatch(/at byte offset \d+ \(file is \d+ bytes\)/);
        corrupt++;
      }
    }
    expect(corrupt).toBeGreaterThan(full.length / 7 - 3); // nearly every cut is detected (a cut on a field boundary is a valid, smaller model)
  });

  it('rejects garbage without hanging', () => {
    const f = join(tmp(), 'junk.onnx');
    writeFileSync(f, Buffer.from('this is not a protobuf at all, just text\n'.repeat(50)));
    expect(() => countParams(f)).toThrow(CorruptInputError);
  });

  it('passes over negative integer attributes (10-byte varints), e.g. ReduceMean axes=[-1] from a LayerNorm', () => {
    const graph = onnx.GraphProto.create({
      name: 'g',
      initializer: [tensor('scale', [4])],
      node: [
        onnx.NodeProto.create({
          opType: 'ReduceMean',
          input: ['x'],
          output: ['m'],
          attribute: [
            { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [-1] },
            { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: -3 },
          ],
        }),
        onnx.NodeProto.create({ opType: 'Mul', input: ['m', 'scale'], output: ['y'] }),
      ],
    });
    const file = join(tmp(), 'neg.onnx');
    writeFileSync(
      file,
      onnx.ModelProto.encode(
        onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 11 }], graph }),
      ).finish(),
    );
    expect(countParams(file).total).toBe(4);
  });
});
