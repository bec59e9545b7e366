import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheStore } from '../../../pipeline/cache/store.ts';
import { CACHE_MARKER } from '../../../pipeline/engine/outdir.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('every command that creates a cache marks it; a purge never pulls it from under a run (issue 21.7)', () => {
  it('a cache purged under a running store is re-created with its marker when the store commits', async () => {
    const dir = tmp('zf-cache-');
    const cache = new CacheStore(join(dir, 'cache'));
    cache.open();
    const { rmSync, mkdirSync, writeFileSync } = await import('node:fs');
    rmSync(cache.root, { recursive: true }); // what an old purge did under a run
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'x.txt'), 'x');
    await cache.commit({ key: 'ab'.repeat(32), stage: 's', createdAt: '', outputs: {}, data: {}, commands: [] }, out);
    expect(existsSync(join(cache.root, CACHE_MARKER))).toBe(true);
  });
});
