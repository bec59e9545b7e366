import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { zooforge } from '../helpers/cli.ts';
import { tmp } from '../helpers/tmp.ts';
import { warmCache } from '../helpers/warm-cache.ts';

// hb_mapper is closed source and cannot be installed here: these tests drive the real driver code against
// test/doubles/bin/{hb_mapper,hbdk-cc,docker}, TEST DOUBLES that replay the real recorded logs.
const DOUBLES = join(PROJECT_ROOT, 'test', 'doubles', 'bin');
const withDoubles = {
  PATH: `${DOUBLES}:${process.env.PATH}`,
  PYTHONPATH: join(PROJECT_ROOT, 'test', 'doubles', 'python'),
};
const HORIZON = [
  '--set',
  'quantize.backend=horizon',
  '--set',
  'quantize.model_parameters={march: bayes-e, working_dir: out, output_model_file_prefix: fashion}',
  '--set',
  'calibration.count=20',
  '--set',
  'evaluate.limit=500',
  '--set',
  `quantize.toolchain.python=${VENV_PYTHON}`,
  '--until',
  'report',
];

describe('horizon backend driver (hb_mapper test double)', () => {
  const dir = tmp('zf-hb-');
  const cache = warmCache(join(dir, 'cache'));
  let manifest: Manifest;

  beforeAll(async () => {
    const r = await zooforge(
      ['run', 'yaml/fashion_resnext.yaml', ...HORIZON, '--out', join(dir, 'ok'), '--cache', cache],
      withDoubles,
    );
    expect(r.stderr).toContain('passed horizon');
    expect(r.exitCode).toBe(0);
    manifest = JSON.parse(readFileSync(join(dir, 'ok', 'manifest.json'), 'utf8'));
  });

  it('runs checker then makertbin on the generated config and collects the .bin and the four ONNX artefacts', () => {
    const h = manifest.stages.find((s) => s.id === 'horizon')!;
    expect(h.commands).toEqual([
      'hb_mapper checker --model-type onnx --march bayes-e --model model.onnx',
      'hb_mapper makertbin --config config.yaml --model-type onnx',
    ]);
    for (const o of [
      'bin',
      'original_float_onnx',
      'optimized_float_onnx',
      'calibrated_onnx',
      'quantized_onnx',
      'log',
      'config',
    ]) {
      expect(existsSync(join(dir, 'ok', h.outputs[o].path))).toBe(true);
    }
    expect(h.outputs.bin.path).toBe('horizon/out/fashion.bin');
    const config = readFileSync(join(dir, 'ok', h.outputs.config.path), 'utf8');
    expect(config).toContain('input_type_rt: gray');
    expect(config).toContain('cal_data_dir: ./calibration_data_gray_f32');
    expect(h.data).toMatchObject({
      versions: { hb_mapper: '1.24.3', horizon_nn: '1.1.0', hbdk: '3.49.15' },
      calibration_method: 'max-percentile:percentile=0.99995',
      node_count: 80,
    });
    expect(h.inputs!.tools).toMatchObject({
      hb_mapper: 'hb_mapper, version 1.24.3 (test double)',
      hbdk: 'hbdk-cc 3.49.15 (test double)',
    });
    expect(manifest.stages.find((s) => s.id === 'quantize')!.status).toBe('disabled');
    const mc = manifest.stages.find((s) => s.id === 'mapper_config')!;
    expect(mc.status).toBe('passed');
    expect(h.inputs!.files.config).toBe(mc.outputs.config.sha256); // the horizon stage is keyed on the config's content
    expect(readFileSync(join(dir, 'ok', 'report', 'report.md'), 'utf8')).toContain(
      'Select max-percentile:percentile=0.99995 method. (hb_mapper)',
    );
  });

  it('is cached on the second run', async () => {
    const r = await zooforge(
      ['run', 'yaml/fashion_resnext.yaml', ...HORIZON, '--out', join(dir, 'ok'), '--cache', cache],
      withDoubles,
    );
    expect(r.stderr).toMatch(/cached horizon/);
  });

  it("fails with the log's ERROR line and the config path when makertbin exits 255", async () => {
    const r = await zooforge(
      [
        'run',
        'yaml/fashion_resnext.yaml',
        ...HORIZON,
        '--out',
        join(dir, 'fail'),
        '--cache',
        warmCache(join(dir, 'cache-fail')),
      ],
      { ...withDoubles, ZF_HB_DOUBLE_FAIL: '1' },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /failed horizon .*hb_mapper makertbin exited 255: Key 'input_parameters' error: \(config: .*config\.yaml\)/,
    );
    expect(r.stderr).toMatch(/yaml file parse failed/);
  });

  it('says which Python hb_evaluate needs when the toolchain Python is not usable', async () => {
    const r = await zooforge(
      [
        'run',
        'yaml/fashion_resnext.yaml',
        ...HORIZON,
        '--set',
        'quantize.toolchain.python=/usr/bin/python3',
        '--out',
        join(dir, 'nopy'),
        '--cache',
        cache,
      ],
      { PATH: withDoubles.PATH },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed hb_evaluate .*(cannot run hb_evaluate\.py|horizon_tc_ui is not importable)/);
  });

  it('says how to get the toolchain when hb_mapper is missing', async () => {
    const r = await zooforge(
      [
        'run',
        'yaml/fashion_resnext.yaml',
        ...HORIZON,
        '--out',
        join(dir, 'missing'),
        '--cache',
        warmCache(join(dir, 'cache-missing')),
      ],
      { PATH: '/usr/bin:/bin' },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /hb_mapper not found \(PATH\): install the OpenExplorer toolchain, or set quantize\.toolchain\.docker_image/,
    );
  });

  it('runs behind a user command prefix', async () => {
    const r = await zooforge(
      [
        'run',
        'yaml/fashion_resnext.yaml',
        ...HORIZON,
        '--set',
        'quantize.toolchain.command=[env, ZF_VIA_PREFIX=1]',
        '--until',
        'horizon',
        '--out',
        join(dir, 'prefix'),
        '--cache',
        warmCache(join(dir, 'cache-prefix')),
      ],
      withDoubles,
    );
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'prefix', 'manifest.json'), 'utf8')) as Manifest;
    expect(m.stages.find((s) => s.id === 'horizon')!.commands[1]).toBe(
      'env ZF_VIA_PREFIX=1 hb_mapper makertbin --config config.yaml --model-type onnx',
    );
  });

  it('runs inside the OpenExplorer docker image with the work dir mounted at the same path', async () => {
    const r = await zooforge(
      [
        'run',
        'yaml/fashion_resnext.yaml',
        ...HORIZON,
        '--set',
        'quantize.toolchain.docker_image=openexplorer/ai_toolchain_ubuntu_20_x5_cpu:v1.2.8',
        '--out',
        join(dir, 'docker'),
        '--cache',
        warmCache(join(dir, 'cache-docker')),
      ],
      withDoubles,
    );
    expect(r.stderr).toContain('passed horizon');
    expect(r.stderr).toContain('passed hb_evaluate');
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'docker', 'manifest.json'), 'utf8')) as Manifest;
    const evalCmd = m.stages.find((s) => s.id === 'hb_evaluate')!.commands[0];
    expect(evalCmd).toMatch(
      /^docker run --rm -v (\S+):\1 -w \1 (-v (\S+):\3:ro )+-e PYTHONPATH=\S*scripts\S* (-e \S+ )*openexplorer\/\S+ \S+python -m zooforge\.workers\.hb_evaluate --input-json/,
    );
    const cmd = m.stages.find((s) => s.id === 'horizon')!.commands[1];
    expect(cmd).toMatch(
      /^docker run --rm -v (\S+):\1 -w \1 openexplorer\/ai_toolchain_ubuntu_20_x5_cpu:v1\.2\.8 hb_mapper makertbin --config config\.yaml --model-type onnx$/,
    );
  });

  it('runs hrt_model_exec perf on a board over ssh (1 and N threads), never cached, and fills the board columns', async () => {
    const board = join(dir, 'board-root');
    mkdirSync(board, { recursive: true });
    const args = [
      'run',
      'yaml/fashion_resnext.yaml',
      ...HORIZON,
      '--set',
      'board={host: rdk-x5.local, threads: 4}',
      '--set',
      `board.remote_dir=${join(board, 'tmp', 'zooforge')}`,
      '--out',
      join(dir, 'ok'),
      '--cache',
      cache,
    ];
    const r = await zooforge(args, { ...withDoubles, ZF_BOARD_ROOT: board });
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'ok', 'manifest.json'), 'utf8')) as Manifest;
    const b = m.stages.find((s) => s.id === 'board')!;
    expect(b.status).toBe('passed');
    expect(b.reason).toBe('not cached: a live board cannot be keyed');
    expect(b.data).toMatchObject({
      single: { threads: 1, average_latency_ms: 1.25 },
      multi: { threads: 4, fps: 1777.777778 },
      runtime: { dnn: '1.24.5' },
    });
    expect(existsSync(join(board, 'tmp', 'zooforge', 'fashion.bin'))).toBe(true);
    const md = readFileSync(join(dir, 'ok', 'report', 'report.md'), 'utf8');
    expect(md).toContain('Frame rate (FPS, board)');
    expect(md).toMatch(/\| 1\.25 ms \| 2\.25 ms \| 1777\.78 \|/);
    const again = await zooforge(args, { ...withDoubles, ZF_BOARD_ROOT: board });
    expect(again.stderr).toMatch(/passed board/); // re-measured every run
  });

  it('quotes every remote argument: a hostile remote_dir is a folder name on the board, never a command', async () => {
    const board = join(dir, 'board-hostile');
    mkdirSync(board, { recursive: true });
    const hostile = join(board, "zf; touch PWNED; echo 'x' $(touch PWNED2) `touch PWNED3`");
    const r = await zooforge(
      [
        'run',
        'yaml/fashion_resnext.yaml',
        ...HORIZON,
        '--until',
        'board',
        '--set',
        'board={host: rdk-x5.local, threads: 2}',
        '--set',
        `board.remote_dir=${JSON.stringify(hostile)}`,
        '--out',
        join(dir, 'hostile'),
        '--cache',
        cache,
      ],
      { ...withDoubles, ZF_BOARD_ROOT: board },
    );
    expect(r.stderr).toContain('passed board');
    expect(r.exitCode).toBe(0);
    expect(readdirSync(board).filter((f) => f.startsWith('PWNED'))).toEqual([]);
    expect(existsSync(join(hostile, 'fashion.bin'))).toBe(true); // the literal folder name, as asked
  });

  it('evaluates the Horizon quantized model with HB_ONNXRuntime on inputs built from the preprocessing record', async () => {
    const r = await zooforge(
      ['run', 'yaml/fashion_resnext.yaml', ...HORIZON, '--out', join(dir, 'hbeval'), '--cache', cache],
      withDoubles,
    );
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'hbeval', 'manifest.json'), 'utf8')) as Manifest;
    const e = m.stages.find((s) => s.id === 'hb_evaluate')!;
    expect(['passed', 'cached']).toContain(e.status);
    const d = e.data as {
      n: number;
      quant_runtime: string;
      float: { top1: { percent: number } };
      quant: { top1: { percent: number } };
      agreement: { top1: { percent: number } };
    };
    expect(d.n).toBe(500);
    expect(d.quant_runtime).toBe('horizon_tc_ui.HB_ONNXRuntime');
    // The double's "quantized" model is the float model behind HzPreprocess: gray Y-128 int8 is lossless, so a
    // correct input chain (record -> int8 NHWC -> (x+128-mean_value)*scale_value) reproduces float exactly.
    expect(d.quant.top1.percent).toBe(d.float.top1.percent);
    expect(d.agreement.top1.percent).toBe(100);
    expect(readFileSync(join(dir, 'hbeval', 'report', 'report.md'), 'utf8')).toMatch(
      /\| FashionResNeXt \| 28x28 \| 10 \| 0\.05 \| \d+\.\d\d \| \d+\.\d\d \|/,
    );
  });
});
