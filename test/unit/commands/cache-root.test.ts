import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheRoot } from '../../../pipeline/commands/run.ts';

describe('the stage cache a run uses (issue 24.2)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is the user's cache folder, whatever folder the run starts in", () => {
    vi.stubEnv('ZOOFORGE_CACHE', '');
    vi.stubEnv('XDG_CACHE_HOME', '/home/u/.cache');
    const here = process.cwd();
    expect(cacheRoot()).toBe('/home/u/.cache/zooforge');
    process.chdir('/tmp');
    try {
      expect(cacheRoot()).toBe('/home/u/.cache/zooforge');
    } finally {
      process.chdir(here);
    }
  });

  it('falls back to ~/.cache without XDG_CACHE_HOME; ZOOFORGE_CACHE, then --cache, override it', () => {
    vi.stubEnv('ZOOFORGE_CACHE', '');
    vi.stubEnv('XDG_CACHE_HOME', '');
    vi.stubEnv('HOME', '/home/v');
    expect(cacheRoot()).toBe(join('/home/v', '.cache', 'zooforge'));
    vi.stubEnv('ZOOFORGE_CACHE', '/team/cache');
    expect(cacheRoot()).toBe('/team/cache');
    expect(cacheRoot('/mine')).toBe('/mine');
  });
});
