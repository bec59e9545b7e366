import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHrt, parseModelInfo } from '../../../pipeline/horizon/hrt-parser.ts';
import { parseMapperLog } from '../../../pipeline/horizon/log-parser.ts';
import { PROJECT_ROOT, SHARED_DIR } from '../../../pipeline/paths.ts';

const FIX = join(SHARED_DIR, 'fixtures', 'horizon');
const read = (...p: string[]): string => readFileSync(join(...p), 'utf8');

describe('hb_mapper makertbin log parser', () => {
  // Expected counts were taken from the raw tables (rows between the header and the next log line).
  it.each([
    ['yolo11n', 243, 6, 'max-percentile:percentile=0.99995', 193.52],
    ['yolo11n_cls', 119, 1, 'max', 1223.18],
    ['yolo12n', 401, 6, 'max-percentile:percentile=0.99995,per_channel', 28.06],
    ['yolov10n', 225, 6, 'max-percentile:percentile=0.99995', 173.79],
    ['yolov5nu', 174, 6, 'max-percentile:percentile=0.99995', 301.16],
    ['yolov8n_cls', 80, 1, 'max-percentile:percentile=0.99995', 2018.43],
    ['yolov8n_seg', 197, 10, 'max-percentile:percentile=0.99995', 195.85],
    ['yolov9t', 488, 6, 'max-percentile:percentile=0.99995', 249.47],
  ])('reads the real X5 2025 log of %s', (name, nodes, outputs, method, fps) => {
    const log = parseMapperLog(read(FIX, 'logs', `hb_mapper_log_${name}.txt`));
    expect(log.format).toBe('x5-2025');
    expect(log.versions).toEqual({
      hbdk: '3.49.15',
      horizon_nn: '1.1.0',
      hb_mapper: '1.24.3',
      hbdk_runtime: '3.15.55.0',
    });
    expect(log.calibration_method).toBe(method);
    expect(log.nodes).toHaveLength(nodes);
    expect(log.outputs).toHaveLength(outputs);
    expect(log.perf?.fps).toBe(fps);
    expect(log.success).toBe(true);
    expect(log.warnings).toEqual([]);
    for (const n of log.nodes) {
      expect(['BPU', 'CPU']).toContain(n.on);
      expect(n.dtype).toMatch(/^(int8|int16|int32|float)$/);
      if (n.type !== 'HzRequantize') expect(n.cosine).not.toBeNull(); // requantize rows carry no cosine in the real logs
    }
  });

  it('keeps exact values of the yolov8n-cls rows and output', () => {
    const log = parseMapperLog(read(FIX, 'logs', 'hb_mapper_log_yolov8n_cls.txt'));
    expect(log.nodes[0]).toEqual({
      node: 'HZ_PREPROCESS_FOR_images',
      on: 'BPU',
      subgraph: 'id(0)',
      type: 'HzSQuantizedPreprocess',
      cosine: 0.999972,
      threshold: 127,
      dtype: 'int8',
    });
    expect(log.nodes.at(-1)).toEqual({
      node: '/model.9/linear/Gemm_transpose_output_reshape',
      on: 'CPU',
      subgraph: '--',
      type: 'Reshape',
      cosine: 0.957511,
      threshold: null,
      dtype: 'float',
    });
    expect(log.outputs).toEqual([
      { name: 'output0', cosine: 0.957511, l1: 0.762013, l2: 0.03017, chebyshev: 3.058601 },
    ]);
    expect(log.perf).toEqual({ fps: 2018.43, latency_us: 495.4, ddr_bytes: 2682784 });
  });

  it('reads the X3 2021 format (no DataType column, CPU rows without numbers)', () => {
    const log = parseMapperLog(read(PROJECT_ROOT, 'test', 'fixtures', 'horizon-formats', 'x3_2021.log'));
    expect(log.format).toBe('x3-2021');
    expect(log.versions).toEqual({ hb_mapper: '1.1.58', horizon_nn: '0.9.7', hbdk: '3.16.6' });
    expect(log.calibration_method).toBe('kl');
    expect(log.nodes).toEqual([
      {
        node: 'HZ_PREPROCESS_FOR_data',
        on: 'BPU',
        subgraph: 'id(0)',
        type: 'HzSQuantizedPreprocess',
        cosine: 0.999995,
        threshold: 127,
        dtype: null,
      },
      {
        node: 'conv1',
        on: 'BPU',
        subgraph: 'id(0)',
        type: 'HzSQuantizedConv',
        cosine: 0.999909,
        threshold: 253.879395,
        dtype: null,
      },
      { node: 'ip2_reshape_0', on: 'CPU', subgraph: '--', type: 'Reshape', cosine: null, threshold: null, dtype: null },
    ]);
    expect(log.outputs).toEqual([{ name: 'ip2', cosine: 0.999989, l1: 7.732184, l2: 2.969808, chebyshev: 16.220459 }]);
  });

  it('reads the X5 2024 format (In/Out DataType, blank cosine on requantize rows)', () => {
    const log = parseMapperLog(read(PROJECT_ROOT, 'test', 'fixtures', 'horizon-formats', 'x5_2024.log'));
    expect(log.format).toBe('x5-2024');
    expect(log.nodes).toHaveLength(5);
    expect(log.nodes[2]).toEqual({
      node: '/stem/Requantize',
      on: 'BPU',
      subgraph: 'id(0)',
      type: 'HzRequantize',
      cosine: null,
      threshold: null,
      dtype: 'int32/int8',
    });
    expect(log.nodes[3]).toMatchObject({
      node: '/linear/Gemm',
      cosine: 0.768926,
      threshold: 8.068202,
      dtype: 'int8/int32',
    });
    expect(log.outputs[0]).toEqual({
      name: '/linear/Gemm',
      cosine: 0.768926,
      l1: 1.5032,
      l2: 0.060809,
      chebyshev: 8.068202,
    });
    expect(log.perf?.latency_us).toBe(2435.7);
  });

  it('warns on an unknown format, keeps errors and versions, and never throws', () => {
    const log = parseMapperLog(
      "2025-01-01 00:00:00,000 ERROR Key 'model_parameters' error:\nhb_mapper version 9.9.9\nsomething else\n",
    );
    expect(log.format).toBe('unknown');
    expect(log.warnings[0]).toMatch(/no per-node table in a known format/);
    expect(log.errors).toEqual(["Key 'model_parameters' error:"]);
    expect(log.versions).toEqual({ hb_mapper: '9.9.9' });
    expect(() => parseMapperLog(Buffer.from([0, 255, 10, 13, 0x4e, 0x6f]).toString('latin1'))).not.toThrow();
    expect(() => parseMapperLog('Node  ON  Subgraph  Type\n')).not.toThrow();
  });
});

describe('board-side output', () => {
  it('reads every real hrt_model_exec model_info log', () => {
    for (const [name, outputs] of [
      ['yolo11n', 6],
      ['yolo11n_cls', 1],
      ['yolov8n_cls', 1],
      ['yolov8n_seg', 10],
    ] as const) {
      const info = parseHrt(read(FIX, 'hrt', `hrt_model_exec_log_${name}.txt`));
      expect(info.runtime).toEqual({
        bpu_platform: '1.3.6',
        hbrt: '3.15.55.0',
        dnn: '1.24.5',
        model_builder: '1.24.3',
      });
      expect(info.inputs).toHaveLength(1);
      expect(info.inputs[0]).toMatchObject({ tensor_type: 'HB_DNN_IMG_TYPE_NV12', quanti_type: 'NONE' });
      expect(info.outputs).toHaveLength(outputs);
      expect(info.perf).toBeNull();
    }
    const cls = parseHrt(read(FIX, 'hrt', 'hrt_model_exec_log_yolov8n_cls.txt'));
    expect(cls.inputs[0]).toEqual({
      name: 'images',
      valid_shape: [1, 3, 224, 224],
      tensor_type: 'HB_DNN_IMG_TYPE_NV12',
      layout: 'HB_DNN_LAYOUT_NCHW',
      quanti_type: 'NONE',
    });
    expect(cls.outputs[0].valid_shape).toEqual([1, 1000, 1, 1]);
  });

  it('reads hrt_model_exec perf output (the documented X3 sample and X5 progress lines)', () => {
    const perf = parseHrt(
      `Running condition:\n  Thread number is: 1\n  Frame count   is: 200\n  core number   is: 1\n  Program run time: 818.985000 ms\n` +
        `Frame count: 200,  Thread Average: 12.428570 ms,  thread max latency: 13.361000 ms,  thread min latency: 6.258000 ms,  FPS: 80.279182\n` +
        `Perf result:\n  Frame totally latency is: 800.621155 ms\n  Average    latency    is: 4.003106 ms\n  Frame      rate       is: 244.204717 FPS\n`,
    ).perf;
    expect(perf).toEqual({
      threads: 1,
      frames: 200,
      average_latency_ms: 4.003106,
      fps: 244.204717,
      program_ms: 818.985,
    });
  });

  it('reads hb_model_info build versions', () => {
    expect(
      parseModelInfo(
        'hb_mapper version   : 1.24.3\nhbdk version        : 3.49.15\nhbdk runtime version: 3.15.55.0\nhorizon_nn version  : 1.1.0\n',
      ),
    ).toEqual({ hb_mapper: '1.24.3', hbdk: '3.49.15', hbdk_runtime: '3.15.55.0', horizon_nn: '1.1.0' });
  });
});
