import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT, PYTHON_PACKAGE_PATHS, PYTHON_ROOT } from '../../../pipeline/paths.ts';

// pyproject.toml (how an install lays the package out) and pipeline/paths.ts (how the CLI runs it from a checkout)
// say the same things: the import root, where zooforge.calibration lives, the version.
const pyproject = readFileSync(join(PROJECT_ROOT, 'pyproject.toml'), 'utf8');
const section = (name: string) => pyproject.split(`[${name}]\n`)[1]?.split('\n[')[0] ?? '';
const entries = (name: string) =>
  Object.fromEntries([...section(name).matchAll(/^"([^"]*)"\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));

it("pyproject.toml's package-dir is the CLI's import root and package paths", () => {
  const paths = Object.fromEntries(
    Object.entries(PYTHON_PACKAGE_PATHS).map(([pkg, dir]) => [pkg, relative(PROJECT_ROOT, dir)]),
  );
  expect(entries('tool.setuptools.package-dir')).toEqual({ '': relative(PROJECT_ROOT, PYTHON_ROOT), ...paths });
  expect(section('tool.pytest.ini_options')).toContain(`pythonpath = ["${relative(PROJECT_ROOT, PYTHON_ROOT)}"]`);
});

it("the Python package's version is the npm package's", () => {
  const npm = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(section('project')).toMatch(new RegExp(`^version = "${npm.version.replaceAll('.', '\\.')}"`, 'm'));
});
