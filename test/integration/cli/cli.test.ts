import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../pipeline/cli/commands.ts';
import { ExitCode } from '../../../pipeline/errors.ts';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { STAGE_ORDER } from '../../../pipeline/stages/order.ts';
import { zooforge } from '../../helpers/cli.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('zooforge CLI', () => {
  it('documents every command, each of its flags and every exit code (help is generated from the tables)', async () => {
    const main = await zooforge(['--help']);
    expect(main.exitCode).toBe(0);
    for (const cmd of Object.keys(COMMANDS)) expect(main.stdout).toContain(`  ${cmd} `);
    for (const code of Object.values(ExitCode)) expect(main.stdout).toMatch(new RegExp(`^  ${code}\\s+\\w`, 'm'));
    for (const [name, command] of Object.entries(COMMANDS)) {
      const help = await zooforge([name, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain(`Usage: zooforge ${name}`);
      for (const flag of command.options)
        expect(help.stdout, `${name} --help`).toMatch(new RegExp(`^  --${flag}\\b`, 'm'));
    }
    expect((await zooforge(['run', '--help'])).stdout).toContain(STAGE_ORDER.join(', '));
  });

  it('exits 2 with every recipe problem listed', async () => {
    const f = join(tmp(), 'bad.yaml');
    writeFileSync(
      f,
      'model: {name: m, source: {timm: r}}\ncalibration: {dataset: {fashion_mnist: {}}}\nquantize: {calibration_type: kll}\nexport: {opset: 3}\n',
    );
    const r = await zooforge(['run', f]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /bad\.yaml:3:30: quantize\.calibration_type: expected one of default\|mix\|kl\|max\|load\|skip, got "kll"/,
    );
    expect(r.stderr).toMatch(/bad\.yaml:4:17: export\.opset: expected >= 7, got number 3/);
  });

  it('a calibration method the backend cannot run exits 2 at load, before any stage runs or any folder is made', async () => {
    const out = join(tmp(), 'run');
    const r = await zooforge([
      'run',
      'yaml/fashion_resnext.yaml',
      '--set',
      'quantize.calibration_type=skip',
      '--set',
      'quantize.backend=ort',
      '--out',
      out,
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^zooforge: yaml\/fashion_resnext\.yaml \(--set\): quantize\.calibration_type: skip calibrates on random data/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a calibration set is required only when the calibration stage will run, at the recipe line, before anything runs', async () => {
    const f = join(tmp(), 'nocal.yaml');
    writeFileSync(f, 'model: {name: m, source: {timm: resnet18}}\n');
    const full = await zooforge(['plan', f]);
    expect(full.exitCode).toBe(2);
    expect(full.stderr).toMatch(
      /nocal\.yaml:1:1: calibration\.dataset: required unless quantize\.calibration_type is skip \(it is default\) \(the calibration stage reads it\)/,
    );
    const params = await zooforge(['plan', f, '--until', 'params']);
    expect(params.exitCode).toBe(0);
  });

  it('--until export with a named calibration set that is missing: runs, and says out loud that the check used random inputs', async () => {
    const dir = tmp();
    const r = await zooforge([
      'run',
      'yaml/fashion_resnext.yaml',
      '--until',
      'export',
      '--set',
      `calibration.dataset={folder: {path: ${join(dir, 'gone')}}}`,
      '--out',
      join(dir, 'run'),
      '--cache',
      join(dir, 'cache'),
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(
      /warn\s+export\s+calibration\.dataset \(.*gone\) does not exist, so this check ran on random inputs, not images/,
    );
    const m = JSON.parse(readFileSync(join(dir, 'run', 'manifest.json'), 'utf8')) as {
      stages: { id: string; data: { check?: { inputs: string } } }[];
    };
    expect(m.stages.find((s) => s.id === 'export')!.data.check!.inputs).toMatch(/random/);
    const full = await zooforge([
      'plan',
      'yaml/fashion_resnext.yaml',
      '--set',
      `calibration.dataset={folder: {path: ${join(dir, 'gone')}}}`,
    ]);
    expect(full.exitCode).toBe(2); // the calibration stage reads it: reported before anything runs
    expect(full.stderr).toMatch(
      /calibration\.dataset\.folder\.path: .*gone does not exist \(the calibration stage reads it\)/,
    );
  });

  it('exits 2 on bad arguments and unknown stages', async () => {
    expect((await zooforge(['run', 'yaml/fashion_resnext.yaml', '--until', 'nope'])).stderr).toMatch(
      /--until nope: no such stage/,
    );
    expect((await zooforge(['frobnicate'])).exitCode).toBe(2);
    expect((await zooforge(['run', 'yaml/fashion_resnext.yaml', '--bogus'])).exitCode).toBe(2);
  });

  it('params: JSON output, and exit 1 naming the byte offset for a truncated file', async () => {
    const dir = tmp();
    const py = join(PROJECT_ROOT, '.venv', 'bin', 'python');
    const model = join(dir, 'm.onnx');
    await execa(py, [
      '-c',
      `import torch; torch.onnx.export(torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU()), torch.zeros(1, 3, 8, 8), '${model}', opset_version=11)`,
    ]);
    const ok = await zooforge(['params', model, '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ total: 8 * 3 * 9 + 8, initializers: 2 });
    const bytes = (await import('node:fs')).readFileSync(model);
    writeFileSync(join(dir, 't.onnx'), bytes.subarray(0, bytes.length - 50));
    const bad = await zooforge(['params', join(dir, 't.onnx')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/at byte offset \d+/);
  });

  it('Ctrl-C stops the running worker, leaves nothing half-written, exits 130', async () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const child = execa(
      'node',
      [
        join(PROJECT_ROOT, 'bin', 'zooforge.js'),
        'run',
        'yaml/resnext50_32x4d.yaml',
        '--set',
        'model.pretrained=false',
        '--until',
        'export',
        '--out',
        out,
        '--cache',
        join(dir, 'cache'),
        '--plain',
      ],
      { reject: false, cwd: PROJECT_ROOT, env: { CI: '1' } },
    );
    let sent = false;
    child.stderr!.on('data', (d: Buffer) => {
      if (!sent && d.toString().includes('building the network')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const r = await child;
    expect(sent).toBe(true);
    expect(r.exitCode).toBe(130);
    expect(existsSync(join(out, 'export'))).toBe(false);
    expect(existsSync(join(out, '.tmp'))).toBe(false);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    // only stages that finished before Ctrl-C (preprocess) are in the cache, complete; nothing of export
    const cache = join(dir, 'cache');
    const entries = readdirSync(cache)
      .filter((f) => f !== '.zooforge-cache')
      .flatMap((d) => readdirSync(join(cache, d)).map((k) => join(cache, d, k)));
    expect(
      entries.map((e) => (JSON.parse(readFileSync(join(e, 'entry.json'), 'utf8')) as { stage: string }).stage),
    ).toEqual(['preprocess']);
  });
});
