import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { localImports } from '../../../pipeline/cache/python-imports.ts';
import { PROJECT_ROOT, SCRIPTS_DIR } from '../../../pipeline/paths.ts';

// The Python side's one dependency direction (README, "Python packages"): workers -> calibration -> zf. zf is the
// shared library and imports neither; calibration imports zf only; no package imports workers.
const PACKAGES = {
  zf: join(SCRIPTS_DIR, 'zf'),
  calibration: join(PROJECT_ROOT, 'calibration'),
  workers: join(SCRIPTS_DIR, 'workers'),
} as const;
const MAY_IMPORT: Record<keyof typeof PACKAGES, (keyof typeof PACKAGES)[]> = {
  zf: ['zf'],
  calibration: ['calibration', 'zf'],
  workers: ['workers', 'calibration', 'zf'],
};

const packageOf = (file: string) =>
  (Object.keys(PACKAGES) as (keyof typeof PACKAGES)[]).find((p) => !relative(PACKAGES[p], file).startsWith('..'));

it('every Python module imports only the packages below its own (no cycle between zf, calibration and workers)', () => {
  const wrong: string[] = [];
  for (const [name, dir] of Object.entries(PACKAGES) as [keyof typeof PACKAGES, string][]) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.py'))) {
      for (const imported of localImports(join(dir, file), [SCRIPTS_DIR, PROJECT_ROOT])) {
        const target = packageOf(imported);
        if (target && !MAY_IMPORT[name].includes(target))
          wrong.push(`${name}/${file} reaches ${relative(PROJECT_ROOT, imported)}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});
