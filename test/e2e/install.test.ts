// Issue 24.1/24.2: the packed tarball is a real install. Packed and installed into a temporary prefix, with the
// user's data and cache folders in a temporary home: doctor says what is missing, setup builds the Python
// environment there (a real venv and pip install), a recipe runs from an unrelated folder, and the same recipe in a
// second folder reuses the first one's cache.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { tmp } from '../helpers/tmp.ts';

describe('installed from the packed tarball (npm pack, npm install -g --prefix)', () => {
  it('doctor names what is missing, setup builds it, a recipe runs from an unrelated folder, a second folder reuses the cache', async () => {
    const dir = tmp('zf-install-');
    await execa('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], { cwd: PROJECT_ROOT });
    const tarball = join(dir, readdirSync(dir).find((n) => n.endsWith('.tgz')) ?? 'no tarball');
    const prefix = join(dir, 'prefix');
    await execa('npm', ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--loglevel=error']);
    const installed = join(prefix, 'lib', 'node_modules', 'zooforge');
    expect(existsSync(join(installed, 'dist', 'pipeline', 'cli', 'main.js'))).toBe(true); // compiled, not tsx
    expect(existsSync(join(installed, 'pipeline', 'cli'))).toBe(false); // no TypeScript sources shipped

    const home = join(dir, 'home');
    const env = {
      CI: '1',
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CACHE_HOME: join(home, 'cache'),
      PIP_CACHE_DIR: process.env.PIP_CACHE_DIR ?? join(homedir(), '.cache', 'pip'), // pip's wheels, not ours
      ZOOFORGE_PYTHON: '',
      ZOOFORGE_VENV: '',
      ZOOFORGE_CACHE: '',
    };
    const zooforge = (args: string[], cwd: string) =>
      execa(join(prefix, 'bin', 'zooforge'), args, { cwd, env, reject: false });

    const before = await zooforge(['doctor'], dir);
    expect(before.exitCode).toBe(1);
    expect(before.stdout).toMatch(/^MISSING\s+python\s+.*zooforge setup/m);
    expect(before.stdout).toContain(`installed package at ${installed}`);

    const setup = await zooforge(['setup'], dir);
    expect(setup.exitCode, setup.stderr).toBe(0);
    const venvPython = join(home, 'data', 'zooforge', 'venv', 'bin', 'python');
    expect(existsSync(venvPython)).toBe(true);
    const after = await zooforge(['doctor'], dir);
    expect(after.exitCode, after.stdout).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`^ok\\s+python\\s+${venvPython}: Python 3`, 'm'));
    expect(after.stdout).toMatch(/^ok\s+blas\s+OpenBLAS /m); // setup installs it: torch's convolutions ~10x faster

    // A user's own project folder: their model code and weights beside their recipe.
    const project = (name: string): string => {
      const p = join(dir, name);
      mkdirSync(p);
      cpSync(join(PROJECT_ROOT, 'models'), join(p, 'models'), { recursive: true });
      writeFileSync(
        join(p, 'recipe.yaml'),
        readFileSync(join(PROJECT_ROOT, 'yaml', 'fashion_resnext.yaml'), 'utf8').replaceAll('../models/', 'models/'),
      );
      return p;
    };
    const small = ['--set', 'quantize.calibration_type=max', '--set', 'evaluate.limit=500'];
    const first = await zooforge(['run', 'recipe.yaml', ...small], project('mine'));
    expect(first.exitCode, first.stderr).toBe(0);
    expect(existsSync(join(dir, 'mine', 'runs', 'recipe', 'report', 'report.html'))).toBe(true);
    expect(existsSync(join(home, 'cache', 'zooforge', '.zooforge-cache'))).toBe(true); // the per-user cache

    const other = project('theirs');
    const plan = await zooforge(['plan', 'recipe.yaml', ...small], other);
    expect(plan.exitCode, plan.stderr).toBe(0);
    const runsBecause = plan.stdout.split('\n').filter((l) => /runs because/.test(l));
    expect(runsBecause, plan.stdout).toEqual([]);
    expect(plan.stdout).toMatch(/^evaluate\s+cached/m);
    rmSync(dir, { recursive: true, force: true }); // half a gigabyte of venv: kept only when the test fails
  });
});
