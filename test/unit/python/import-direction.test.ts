import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { localImports } from '../../../pipeline/cache/python-imports.ts';
import { PROJECT_ROOT, PYTHON_PACKAGE_PATHS, PYTHON_ROOT } from '../../../pipeline/paths.ts';

// The Python package's one dependency direction (zooforge/__init__.py and the README, "Python packages"): protocol
// at the bottom, workers at the top, nothing imports workers.
const LAYERS = {
  protocol: [],
  data: ['protocol'],
  model: ['protocol'],
  runtime: ['protocol'],
  evaluation: ['protocol', 'data', 'runtime'],
  quant: ['protocol', 'data', 'runtime', 'evaluation'],
  calibration: ['protocol', 'data', 'runtime', 'evaluation', 'quant'],
  workers: ['protocol', 'data', 'model', 'runtime', 'evaluation', 'quant', 'calibration'],
} as const satisfies Record<string, readonly string[]>;
type Subpackage = keyof typeof LAYERS;

const folderOf = (sub: string) => PYTHON_PACKAGE_PATHS[`zooforge.${sub}`] ?? join(PYTHON_ROOT, 'zooforge', sub);
const SUBPACKAGES = Object.keys(LAYERS) as Subpackage[];
const subpackageOf = (file: string) => SUBPACKAGES.find((s) => !relative(folderOf(s), file).startsWith('..'));

it('every zooforge subpackage is in the dependency order (a new one must be placed in it)', () => {
  const folders = readdirSync(join(PYTHON_ROOT, 'zooforge'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '__pycache__')
    .map((d) => d.name);
  expect(folders.sort()).toEqual([...SUBPACKAGES].sort());
});

it('every Python module imports only its own subpackage and those below it (no cycle)', () => {
  const wrong: string[] = [];
  for (const sub of SUBPACKAGES) {
    for (const file of readdirSync(folderOf(sub)).filter((f) => f.endsWith('.py'))) {
      for (const imported of localImports(join(folderOf(sub), file), [PYTHON_ROOT], PYTHON_PACKAGE_PATHS)) {
        const target = subpackageOf(imported);
        const allowed: readonly string[] = LAYERS[sub];
        if (target && target !== sub && !allowed.includes(target))
          wrong.push(`${sub}/${file} reaches ${relative(PROJECT_ROOT, imported)}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});

it('no zooforge module reaches itself through its imports (no cycle inside a subpackage either)', () => {
  const modules = SUBPACKAGES.flatMap((sub) =>
    readdirSync(folderOf(sub))
      .filter((f) => f.endsWith('.py'))
      .map((f) => join(folderOf(sub), f)),
  );
  const reach = new Map(modules.map((m) => [m, localImports(m, [PYTHON_ROOT], PYTHON_PACKAGE_PATHS)]));
  const cycles = modules.flatMap((m) =>
    (reach.get(m) ?? [])
      .filter((other) => reach.get(other)?.includes(m))
      .map((other) => `${relative(PYTHON_ROOT, m)} <-> ${relative(PYTHON_ROOT, other)}`),
  );
  expect(cycles).toEqual([]);
});
