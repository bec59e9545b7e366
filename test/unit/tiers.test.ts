import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';

const TIERS = ['unit', 'integration', 'e2e'];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

it('every test file sits in a tier folder, so vitest.config.ts runs it', () => {
  const stray = testFiles(join(PROJECT_ROOT, 'test'))
    .map((f) => relative(join(PROJECT_ROOT, 'test'), f))
    .filter((f) => !TIERS.includes(f.split('/')[0]));
  expect(stray).toEqual([]);
});
