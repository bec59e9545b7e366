import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { PROJECT_ROOT, PYTHON_PACKAGE_PATHS, PYTHON_ROOT, VENV_PYTHON } from '../../../pipeline/paths.ts';
import { tmp } from '../../helpers/tmp.ts';

// The Python side is one installable package: built from pyproject.toml alone (on a copy of only what it names),
// installed into a folder of its own, it imports every module and runs a worker with no checkout on its path.

/** Every module of the checkout's zooforge package, by dotted name. */
function checkoutModules(): string[] {
  const walk = (dir: string, name: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      if (e.isDirectory() && existsSync(join(dir, e.name, '__init__.py'))) {
        const sub = `${name}.${e.name}`;
        return [sub, ...walk(PYTHON_PACKAGE_PATHS[sub] ?? join(dir, e.name), sub)];
      }
      return e.name.endsWith('.py') && e.name !== '__init__.py' ? [`${name}.${e.name.slice(0, -3)}`] : [];
    });
  return ['zooforge', ...walk(join(PYTHON_ROOT, 'zooforge'), 'zooforge')].sort();
}

const IMPORT_ALL = `
import importlib, json, pkgutil, zooforge
names = ["zooforge"] + [m.name for m in pkgutil.walk_packages(zooforge.__path__, "zooforge.")]
files = {n: importlib.import_module(n).__file__ for n in names}
print(json.dumps(files))
`;

it('pip builds and installs the zooforge package; installed, every module imports and a worker runs', async () => {
  const dir = tmp('zf-package-');
  const source = join(dir, 'source');
  for (const part of ['pyproject.toml', 'scripts/requirements.txt', 'scripts/src', 'calibration']) {
    cpSync(join(PROJECT_ROOT, part), join(source, part), {
      recursive: true,
      filter: (f) => !f.includes('__pycache__'),
    });
  }
  const pip = (...args: string[]) => execa(VENV_PYTHON, ['-m', 'pip', ...args, '-q', '--disable-pip-version-check']);
  await pip('wheel', '--no-deps', '--no-build-isolation', '-w', join(dir, 'wheels'), source);
  const [wheel] = readdirSync(join(dir, 'wheels'));
  expect(wheel).toMatch(/^zooforge-[\d.]+-py3-none-any\.whl$/);
  await pip('install', '--no-deps', '--target', join(dir, 'site'), join(dir, 'wheels', wheel));

  const elsewhere = join(dir, 'cwd');
  mkdirSync(elsewhere);
  const installed = { cwd: elsewhere, env: { PYTHONPATH: join(dir, 'site'), PYTHONNOUSERSITE: '1' }, extendEnv: false };
  const files = JSON.parse((await execa(VENV_PYTHON, ['-c', IMPORT_ALL], installed)).stdout) as Record<string, string>;
  expect(Object.keys(files).sort()).toEqual(checkoutModules());
  for (const file of Object.values(files)) expect(relative(join(dir, 'site'), file)).not.toMatch(/^\.\./);

  // versions reads the installed contracts' protocol.json: package data came along
  const versions = await execa(VENV_PYTHON, ['-m', 'zooforge.workers.versions'], installed);
  expect(JSON.parse(versions.stdout)).toMatchObject({ python: expect.stringMatching(/^3\./) });
});
