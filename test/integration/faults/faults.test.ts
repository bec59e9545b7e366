import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { zooforge } from '../../helpers/cli.ts';
import { tmp } from '../../helpers/tmp.ts';
import { firstMessage, makeWorld, snapshot, type World } from './world.ts';

/** One bad input or environment fault: the exit code says what kind of failure it was, the first line says what
 *  and where, and nothing outside the case's output folder (and the shared cache) changes. */
interface Case {
  name: string;
  args(w: World, out: string): string[];
  code: 0 | 1 | 2;
  first: RegExp;
  /** extra checks after the run */
  /** Further checks on what the failure left behind. */
  afterwards?(w: World, out: string, stderr: string): void;
}

const run = (w: World, out: string, ...rest: string[]): string[] => [
  'run',
  w.recipe,
  '--out',
  out,
  '--cache',
  w.cache,
  ...rest,
];
const set = (...kv: string[]): string[] => kv.flatMap((s) => ['--set', s]);

const CASES: Case[] = [
  // --- recipe values and --set: refused at load (exit 2) with the field named
  {
    name: 'set-bad-yaml',
    args: (w, o) => run(w, o, ...set('evaluate.limit=[1,2')),
    code: 2,
    first: /^zooforge: \(--set\) evaluate\.limit=\[1,2: the value is not valid YAML/,
  },
  {
    name: 'set-through-scalar',
    args: (w, o) => run(w, o, ...set('calibration.count.x=1')),
    code: 2,
    first: /^zooforge: \(--set\) calibration\.count\.x=1: cannot set calibration\.count\.x/,
  },
  {
    name: 'set-no-equals',
    args: (w, o) => run(w, o, ...set('calibration.count')),
    code: 2,
    first: /^zooforge: \(--set\) calibration\.count: expected key\.path=value/,
  },
  {
    name: 'set-unknown-method',
    args: (w, o) => run(w, o, ...set('quantize.calibration_type=kll')),
    code: 2,
    first: /recipe\.yaml \(--set\): quantize\.calibration_type: expected one of/,
  },
  {
    name: 'board-host-option',
    args: (w, o) => run(w, o, ...set('board={host: "-oProxyCommand=touch PWNED"}')),
    code: 2,
    first: /recipe\.yaml \(--set\): board\.host: expected a host name/,
  },
  {
    name: 'board-host-space',
    args: (w, o) => run(w, o, ...set('board={host: "rdk x5"}')),
    code: 2,
    first: /board\.host: expected a host name or address \(no leading -/,
  },
  {
    name: 'board-user-option',
    args: (w, o) => run(w, o, ...set('board={host: rdk, user: "-l root"}')),
    code: 2,
    first: /board\.user: expected a user name/,
  },
  {
    name: 'board-remote-dir-relative',
    args: (w, o) => run(w, o, ...set('board={host: rdk, remote_dir: "zf; touch PWNED"}')),
    code: 2,
    first: /board\.remote_dir: expected an absolute path/,
  },
  {
    name: 'prefix-shell',
    args: (w, o) => run(w, o, ...set('quantize.model_parameters.output_model_file_prefix=m;touch PWNED;m')),
    code: 2,
    first: /quantize\.model_parameters\.output_model_file_prefix: must be a plain name/,
  },
  {
    name: 'prefix-space',
    args: (w, o) => run(w, o, ...set('quantize.model_parameters.output_model_file_prefix=my model')),
    code: 2,
    first: /output_model_file_prefix: must be a plain name/,
  },
  {
    name: 'prefix-slash',
    args: (w, o) => run(w, o, ...set('quantize.model_parameters.output_model_file_prefix=../../m')),
    code: 2,
    first: /output_model_file_prefix: must be a plain name/,
  },
  {
    name: 'workdir-dotdot',
    args: (w, o) => run(w, o, ...set('quantize.model_parameters.working_dir=../../../../x')),
    code: 2,
    first: /quantize\.model_parameters\.working_dir: must be a plain name/,
  },
  {
    name: 'workdir-absolute',
    args: (w, o) => run(w, o, ...set('quantize.model_parameters.working_dir=/tmp/x')),
    code: 2,
    first: /working_dir: must be a plain name/,
  },
  {
    name: 'docker-image-option',
    args: (w, o) => run(w, o, ...set('quantize.toolchain.docker_image=--volume=/:/hostroot')),
    code: 2,
    first: /quantize\.toolchain\.docker_image: expected an image reference/,
  },
  {
    name: 'docker-image-shell',
    args: (w, o) => run(w, o, ...set('quantize.toolchain.docker_image=img; rm -rf /')),
    code: 2,
    first: /docker_image: expected an image reference/,
  },
  {
    name: 'hb-config-prefix',
    args: (w, o) => run(w, o, ...set(`quantize.hb_config=${join(w.dir, 'hb-prefix.yaml')}`)),
    code: 2,
    first:
      /quantize\.hb_config: .*hb-prefix\.yaml:\d+:\d+: model_parameters\.output_model_file_prefix: must be a plain name/,
  },
  {
    name: 'hb-config-workdir',
    args: (w, o) => run(w, o, ...set(`quantize.hb_config=${join(w.dir, 'hb-workdir.yaml')}`)),
    code: 2,
    first: /hb-workdir\.yaml:\d+:\d+: model_parameters\.working_dir: must be a plain name/,
  },
  {
    name: 'checkpoint-missing',
    args: (w, o) => run(w, o, ...set(`model.checkpoint=${join(w.dir, 'nope.pt')}`)),
    code: 2,
    first: /model\.checkpoint: .*nope\.pt does not exist \(the export stage reads it\)/,
  },
  {
    name: 'eval-dataset-missing',
    args: (w, o) => run(w, o, ...set(`evaluate.dataset={folder: {path: ${join(w.dir, 'no-such-images')}}}`)),
    code: 2,
    first:
      /recipe\.yaml \(--set\): evaluate\.dataset\.folder\.path: .*no-such-images does not exist \(the evaluate stage reads it\)/,
  },
  {
    name: 'calib-dataset-missing',
    args: (w, o) => run(w, o, ...set(`calibration.dataset={fashion_mnist: {root: ${join(w.dir, 'nofashion')}}}`)),
    code: 2,
    first:
      /calibration\.dataset\.fashion_mnist\.root: .*nofashion\/t10k-images-idx3-ubyte\.gz does not exist \(the calibration stage reads it\)/,
  },
  {
    name: 'labels-file-missing',
    args: (w, o) =>
      run(
        w,
        o,
        ...set(
          `evaluate.dataset={folder: {path: ${join(w.dir, 'imgs', 'flat')}, labels: ${join(w.dir, 'nolabels.txt')}}}`,
        ),
      ),
    code: 2,
    first: /evaluate\.dataset\.folder\.labels: .*nolabels\.txt does not exist/,
  },
  {
    name: 'until-unknown',
    args: (w, o) => run(w, o, '--until', 'nope'),
    code: 2,
    first: /^zooforge: --until nope: no such stage/,
  },
  {
    name: 'force-unknown',
    args: (w, o) => run(w, o, '--force', 'nope'),
    code: 2,
    first: /^zooforge: --force nope: no such stage/,
  },
  {
    name: 'recipe-missing',
    args: (w, o) => ['run', join(w.dir, 'none.yaml'), '--out', o],
    code: 2,
    first: /^zooforge: cannot read recipe .*none\.yaml: ENOENT/,
  },
  {
    name: 'recipe-not-yaml',
    args: (w, o) => ['run', join(w.dir, 'imgs', 'flat', '00000.png'), '--out', o],
    code: 2,
    first: /00000\.png:\d+:\d+: /,
  },
  {
    name: 'sweep-jobs-zero',
    args: (w, o) => ['sweep', w.recipe, '--out', o, '--vary', 'quantize.per_channel=true,false', '--jobs', '0'],
    code: 2,
    first: /^zooforge: sweep: --jobs takes a whole number/,
  },
  {
    name: 'did-you-mean-field',
    args: (w, o) => run(w, o, ...set('calibration.cout=3')),
    code: 2,
    first: /calibration\.cout: unknown field \(did you mean count\?\)/,
  },
  {
    name: 'did-you-mean-command',
    args: () => ['rnu'],
    code: 2,
    first: /^zooforge: unknown command rnu \(did you mean run\?\)/,
  },
  {
    name: 'did-you-mean-option',
    args: (w) => ['run', w.recipe, '--untill', 'params'],
    code: 2,
    first: /Unknown option '--untill'.*\(did you mean --until\?\)/,
  },
  {
    name: 'did-you-mean-timm',
    args: (w, o) =>
      run(
        w,
        o,
        '--until',
        'preprocess',
        ...set(
          'model.source={timm: MobileOne_S0}',
          'model.checkpoint=null',
          'input.shape=[1, 3, 224, 224]',
          'preprocess.colour=rgb',
          'preprocess.mean=[0.5, 0.5, 0.5]',
          'preprocess.std=[0.5, 0.5, 0.5]',
        ),
      ),
    code: 1,
    first:
      /^failed preprocess .*timm has no model named MobileOne_S0 \(did you mean model\.source\.timm: mobileone_s0\?\)/,
  },
  { name: 'unknown-command', args: () => ['frobnicate'], code: 2, first: /^zooforge: unknown command frobnicate/ },
  {
    name: 'unknown-flag',
    args: (w) => ['run', w.recipe, '--frobnicate'],
    code: 2,
    first: /^zooforge: Unknown option '--frobnicate'/,
  },
  // --- what no reader should choke on: refused with the reason, bounded in time and memory (issue 21.11, 21.17)
  {
    name: 'recipe-alias-self',
    args: (w, o) => ['plan', join(w.dir, 'alias-self.yaml'), '--out', o],
    code: 2,
    first: /alias-self\.yaml:4:\d+: model\.kwargs\.x\[1\]: the value contains itself/,
  },
  {
    name: 'recipe-alias-bomb',
    args: (w, o) => ['plan', join(w.dir, 'alias-bomb.yaml'), '--out', o],
    code: 2,
    first: /alias-bomb\.yaml: the recipe's YAML cannot be expanded: Excessive alias count/,
  },
  {
    name: 'recipe-deep',
    args: (w, o) => ['plan', join(w.dir, 'deep.yaml'), '--out', o],
    code: 2,
    first: /deep\.yaml:1:\d+: nested too deeply to read/,
  },
  {
    name: 'recipe-huge',
    args: (w, o) => ['plan', join(w.dir, 'huge-list.yaml'), '--out', o],
    code: 2,
    first: /huge-list\.yaml: 11\.4 MiB is larger than a recipe can be \(1\.0 MiB\)/,
  },
  {
    name: 'recipe-fifo',
    args: (w, o) => ['run', join(w.dir, 'fifo.yaml'), '--out', o],
    code: 2,
    first: /fifo\.yaml: not a regular file \(a named pipe\)/,
  },
  {
    name: 'recipe-dev-zero',
    args: (_w, o) => ['run', '/dev/zero', '--out', o],
    code: 2,
    first: /cannot read recipe \/dev\/zero: not a regular file \(a device\)/,
  },
  {
    name: 'parse-log-dev-zero',
    args: () => ['parse-log', '/dev/zero'],
    code: 2,
    first: /cannot read log \/dev\/zero: not a regular file/,
  },
  {
    name: 'import-dev-urandom',
    args: () => ['import', '/dev/urandom'],
    code: 2,
    first: /cannot read hb_mapper config \/dev\/urandom: not a regular file/,
  },
  {
    name: 'set-alias-self',
    args: (w, o) => run(w, o, ...set('model.kwargs={x: &a [1, *a]}')),
    code: 2,
    first: /\(--set\): model\.kwargs\.x\[1\]: the value contains itself/,
  },
  {
    name: 'check-samples-huge',
    args: (w, o) => run(w, o, ...set('export.check_samples=100000000')),
    code: 2,
    first: /export\.check_samples: .*(<=|at most) ?256/,
  },
  {
    name: 'input-shape-huge',
    args: (w, o) => run(w, o, ...set('input.shape=[1, 3, 100000, 100000]')),
    code: 2,
    first: /input\.shape\[2\]: expected <= 8192/,
  },
  {
    name: 'checkpoint-fifo',
    args: (w, o) => run(w, o, ...set(`model.checkpoint=${join(w.dir, 'pipe.pt')}`)),
    code: 2,
    first: /model\.checkpoint: .*pipe\.pt is not a regular file \(a named pipe\)/,
  },
  {
    name: 'params-fifo',
    args: (w) => ['params', join(w.dir, 'pipe.pt')],
    code: 1,
    first: /params: .*pipe\.pt is a named pipe, not an ONNX file/,
  },
  {
    name: 'compare-fifo-report',
    args: (w) => ['compare', join(w.dir, 'run-fifo-report')],
    code: 1,
    first: /report\.json: not a readable report \(cannot read report .*not a regular file \(a named pipe\)/,
  },
  {
    name: 'manifest-is-folder',
    args: (w) => [
      'run',
      w.recipe,
      '--until',
      'preprocess',
      '--out',
      join(w.dir, 'run-manifest-dir'),
      '--cache',
      w.cache,
    ],
    code: 1,
    first: /^zooforge: .*run-manifest-dir\/manifest\.json: not a regular file \(a folder\)/,
  },
  {
    name: 'escape-code-in-name',
    args: (w) => ['run', join(w.dir, 'r\u001b[31m.yaml')],
    code: 2,
    first: /cannot read recipe .*r\\u001b\[31m\.yaml: ENOENT/,
    afterwards: (_w, _o, stderr) => expect(stderr).not.toContain('\u001b'),
  },
  {
    name: 'out-tilde-quoted',
    args: (w) => ['plan', w.recipe, '--out', '~/zf-x', '--cache', w.cache],
    code: 0,
    first: /^$/,
    afterwards: (_w, _o, stderr) =>
      expect(stderr).toMatch(/warning: --out ~\/zf-x: the shell did not expand ~ \(was it quoted\?\)/),
  },
  // --- folders zooforge did not create are never reused or deleted
  {
    name: 'out-user-folder',
    args: (w) => run(w, join(w.dir, 'thesis')),
    code: 2,
    first: /^zooforge: .*thesis is not empty and was not created by zooforge/,
    afterwards: (w) => expect(readdirSync(join(w.dir, 'thesis'))).toEqual(['thesis.tex']),
  },
  {
    name: 'clean-user-folder',
    args: (w) => ['clean', '--out', join(w.dir, 'thesis')],
    code: 2,
    first: /^zooforge: .*thesis was not created by zooforge as a run folder .*refusing to delete it/,
  },
  {
    name: 'purge-user-cache',
    args: (w) => [
      'clean',
      w.recipe,
      '--out',
      join(w.dir, 'out', 'never'),
      '--purge-cache',
      '--cache',
      join(w.dir, 'thesis'),
    ],
    code: 2,
    first: /thesis was not created by zooforge as a cache/,
  },
  {
    name: 'out-is-file',
    args: (w) => run(w, join(w.dir, 'afile.txt')),
    code: 1,
    first: /^zooforge: .*afile\.txt: cannot use it as the run folder: it is a file, not a folder/,
  },
  {
    name: 'cache-is-file',
    args: (w, o) => ['run', w.recipe, '--out', o, '--cache', join(w.dir, 'afile.txt')],
    code: 1,
    first: /afile\.txt: cannot use it as the cache: it is a file/,
  },
  // --- damaged input files (exit 1), missing ones (exit 2)
  {
    name: 'params-dir',
    args: (w) => ['params', join(w.dir, 'thesis')],
    code: 1,
    first: /^zooforge: params: .*thesis is a folder, not an ONNX file/,
  },
  {
    name: 'params-missing',
    args: (w) => ['params', join(w.dir, 'none.onnx')],
    code: 2,
    first: /^zooforge: params: file not found/,
  },
  {
    name: 'params-truncated',
    args: (w) => ['params', join(w.dir, 'truncated.onnx')],
    code: 1,
    first: /truncated\.onnx: .* truncated or not an ONNX model/,
  },
  {
    name: 'params-ext-missing',
    args: (w) => ['params', join(w.dir, 'ext-missing', 'm.onnx')],
    code: 1,
    first: /m\.onnx: external data file .*weights\.bin \(tensor w\) not found/,
  },
  {
    name: 'params-ext-truncated',
    args: (w) => ['params', join(w.dir, 'ext-truncated', 'm.onnx')],
    code: 1,
    first: /weights\.bin is 10 bytes, tensor w needs bytes up to 36: truncated/,
  },
  {
    name: 'params-ext-dotdot-name',
    args: (w) => ['params', join(w.dir, 'ext-dotdot', 'm.onnx')],
    code: 0,
    first: /^$/,
  },
  {
    name: 'params-ext-folder',
    args: (w) => ['params', join(w.dir, 'ext-dir', 'm.onnx')],
    code: 1,
    first: /m\.onnx: external data .*weights\.bin \(tensor w\) is a folder, not a file/,
  },
  {
    name: 'params-negative-dim',
    args: (w) => ['params', join(w.dir, 'negdim.onnx')],
    code: 1,
    first: /negdim\.onnx: tensor w has a negative dimension: not a valid ONNX model/,
  },
  {
    name: 'compare-truncated',
    args: (w) => ['compare', join(w.dir, 'run-truncated')],
    code: 1,
    first: /report-?.*report\.json: not a readable report/,
  },
  {
    name: 'compare-no-report',
    args: (w) => ['compare', join(w.dir, 'thesis')],
    code: 2,
    first: /thesis: no report\/report\.json/,
  },
  {
    name: 'parse-log-missing',
    args: (w) => ['parse-log', join(w.dir, 'none.log')],
    code: 2,
    first: /^zooforge: cannot read log .*none\.log: ENOENT/,
  },
  {
    name: 'import-not-hb',
    args: (w) => ['import', join(w.dir, 'not-hb.yaml')],
    code: 2,
    first: /not-hb\.yaml: not an hb_mapper makertbin config/,
  },
  {
    name: 'onnx-source-ext-missing',
    args: (w, o) =>
      run(
        w,
        o,
        '--until',
        'export',
        ...set(`model={name: m, source: {onnx: ${join(w.dir, 'ext-missing', 'm.onnx')}}}`),
      ),
    code: 1,
    first: /m\.onnx: external data file .*weights\.bin \(tensor w\) not found/,
  },
  // --- stage-level faults (the export worker runs): exit 1, one clear line
  {
    name: 'checkpoint-dir',
    args: (w, o) => run(w, o, '--until', 'export', ...set(`model.checkpoint=${join(w.dir, 'ckpt-dir')}`)),
    code: 1,
    first: /^failed export .*checkpoint .*ckpt-dir does not fit model FashionResNeXt: not a readable state_dict/,
  },
  {
    name: 'checkpoint-truncated',
    args: (w, o) => run(w, o, '--until', 'export', ...set(`model.checkpoint=${join(w.dir, 'ckpt-truncated.pt')}`)),
    code: 1,
    first: /checkpoint .*ckpt-truncated\.pt does not fit model FashionResNeXt: not a readable state_dict/,
  },
  {
    name: 'checkpoint-random',
    args: (w, o) => run(w, o, '--until', 'export', ...set(`model.checkpoint=${join(w.dir, 'ckpt-random.pt')}`)),
    code: 1,
    first: /ckpt-random\.pt does not fit model FashionResNeXt: not a readable state_dict/,
  },
  {
    name: 'checkpoint-other-arch',
    args: (w, o) => run(w, o, '--until', 'export', ...set('model.num_classes=5')),
    code: 1,
    first: /fashion_resnext\.pt does not fit model FashionResNeXt: size mismatch for fc\.weight/,
  },
  {
    name: 'labels-out-of-range',
    args: (w, o) =>
      run(
        w,
        o,
        '--until',
        'evaluate',
        ...set(
          `evaluate.dataset={folder: {path: ${join(w.dir, 'imgs', 'flat')}, labels: ${join(w.dir, 'imgs', 'labels-out-of-range.txt')}}}`,
        ),
      ),
    code: 1,
    first:
      /failed evaluate .*2 label\(s\) outside the model's 10 classes \(0\.\.9\): .*labels-out-of-range\.txt:4 \(label 999\), .*labels-out-of-range\.txt:8 \(label -1\)/,
  },
  {
    name: 'labels-names-no-synsets',
    args: (w, o) =>
      run(
        w,
        o,
        '--until',
        'evaluate',
        ...set(
          `evaluate.dataset={folder: {path: ${join(w.dir, 'imgs', 'flat')}, labels: ${join(w.dir, 'imgs', 'labels-names.txt')}}}`,
        ),
      ),
    code: 1,
    first:
      /labels-names\.txt:1: label 'class_\d' is not a class index; to use class names, set the dataset's synsets: file/,
  },
  {
    name: 'kwargs-unknown',
    args: (w, o) => run(w, o, '--until', 'export', ...set('model.kwargs.foo=1')),
    code: 1,
    first: /^failed export .*model\.kwargs\.foo: FashionResNeXt takes no argument 'foo'/,
  },
  {
    name: 'input-shape-channels',
    args: (w, o) =>
      run(
        w,
        o,
        '--until',
        'export',
        ...set(
          'input.shape=[1, 3, 28, 28]',
          'preprocess.colour=rgb',
          'preprocess.mean=[0.5, 0.5, 0.5]',
          'preprocess.std=[0.5, 0.5, 0.5]',
        ),
      ),
    code: 1,
    first:
      /^failed export .*input\.shape \[1, 3, 28, 28\] does not fit FashionResNeXt: .*to have 1 channels, but got 3/,
  },
  {
    name: 'noisy-module-progress',
    args: (w, o) =>
      run(
        w,
        o,
        '--until',
        'export',
        ...set(`model.source={module: ${join(w.dir, 'noisy_module.py')}:fashion_resnext}`),
      ),
    code: 0,
    first: /^$/,
    afterwards: (_w, out) => expect(readdirSync(join(out, 'export')).sort()).toContain('model.onnx'),
  },
];

describe('faults and bad input: exit code, first line, nothing outside the output folder touched', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(tmp('zf-faults-'));
  });

  it(`has at least 40 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const out = w.out(c.name);
    const before = snapshot(w.dir, ['out', 'cache']);
    const r = await zooforge(c.args(w, out));
    expect(firstMessage(r.stderr), r.stderr).toMatch(c.first);
    expect(r.exitCode, r.stderr).toBe(c.code);
    expect(r.stderr).not.toContain('internal error');
    expect(snapshot(w.dir, ['out', 'cache'])).toEqual(before);
    if (existsSync(w.cache)) expect(execSync(`find ${JSON.stringify(w.cache)} -name '.tmp-*'`).toString()).toBe(''); // no staging left behind
    expect(existsSync(join(w.dir, 'PWNED'))).toBe(false);
    c.afterwards?.(w, out, r.stderr);
  });
});
