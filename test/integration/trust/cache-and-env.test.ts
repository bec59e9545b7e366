import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheStore } from '../../../pipeline/cache/store.ts';
import { CACHE_MARKER } from '../../../pipeline/engine/outdir.ts';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { zooforge } from '../../helpers/cli.ts';
import { tmp } from '../../helpers/tmp.ts';

const RESNEXT = join(PROJECT_ROOT, 'yaml', 'resnext50_32x4d.yaml');

describe('every command that creates a cache marks it; a purge never pulls it from under a run (issue 21.7)', () => {
  it('mapper-config on a fresh cache marks it, and the run after it uses that cache', async () => {
    const dir = tmp('zf-cache-');
    const cache = join(dir, 'cache');
    const printed = await zooforge(['mapper-config', RESNEXT], { ZOOFORGE_CACHE: cache });
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(existsSync(join(cache, CACHE_MARKER))).toBe(true);
    const run = await zooforge(['run', RESNEXT, '--until', 'preprocess', '--out', join(dir, 'run')], {
      ZOOFORGE_CACHE: cache,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/cached\s+preprocess/);
  });

  it('clean --purge-cache refuses while a process uses the cache, and purges once it is done', async () => {
    const dir = tmp('zf-cache-');
    const cache = join(dir, 'cache');
    const close = new CacheStore(cache).open(); // this test process is the running user
    const refused = await zooforge(['clean', '--out', join(dir, 'none'), '--purge-cache', '--cache', cache]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`is in use by another zooforge run \\(pid ${process.pid}\\)`));
    expect(existsSync(join(cache, CACHE_MARKER))).toBe(true);
    close();
    const purged = await zooforge(['clean', '--out', join(dir, 'none'), '--purge-cache', '--cache', cache]);
    expect(purged.exitCode, purged.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the machine, not the user (issue 21.13)', () => {
  it('TMPDIR naming a missing folder is one line naming it, exit 1', async () => {
    // tsx (the CLI from sources) would itself create TMPDIR for its cache; the compiled CLI does not
    const r = await zooforge(['mapper-config', RESNEXT], { TMPDIR: '/nonexistent', TSX_DISABLE_CACHE: '1' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^zooforge: cannot make a temporary folder in \/nonexistent \(ENOENT, from TMPDIR\): point TMPDIR at a writable folder/,
    );
  });
});
