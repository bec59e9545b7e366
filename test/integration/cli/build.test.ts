import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { tmp } from '../../helpers/tmp.ts';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );

describe('the compiled CLI (dist/)', () => {
  it('is exactly what the current sources compile to, and newer than every source (so bin/zooforge.js runs it)', async () => {
    const fresh = tmp();
    await execa(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', fresh], {
      cwd: PROJECT_ROOT,
    });
    const dist = join(PROJECT_ROOT, 'dist');
    const shipped = files(dist)
      .map((f) => relative(dist, f))
      .filter((f) => f !== '.built')
      .sort();
    expect(shipped).toEqual(
      files(fresh)
        .map((f) => relative(fresh, f))
        .sort(),
    );
    for (const f of shipped) expect(readFileSync(join(dist, f), 'utf8'), f).toBe(readFileSync(join(fresh, f), 'utf8'));
    const built = statSync(join(dist, '.built')).mtimeMs;
    const stale = files(join(PROJECT_ROOT, 'pipeline')).filter((f) => statSync(f).mtimeMs > built);
    expect(stale).toEqual([]);
  });
});
