import { describe, expect, it } from 'vitest';
import { CACHE_MARKER, looksLikeCache, mayAdopt } from '../../../pipeline/engine/outdir.ts';

describe('claiming a folder zooforge did not mark yet', () => {
  it("adopts a folder whose marker a concurrent run wrote between our check and our listing (CI's 6-process race)", () => {
    expect(mayAdopt([CACHE_MARKER], CACHE_MARKER, looksLikeCache)).toBe(true);
    expect(mayAdopt([CACHE_MARKER, '.users', 'ab'], CACHE_MARKER, looksLikeCache)).toBe(true);
  });

  it("adopts an empty folder or one that looks like ours; refuses the user's folder", () => {
    expect(mayAdopt([], CACHE_MARKER, looksLikeCache)).toBe(true);
    expect(mayAdopt(['ab', '.leases'], CACHE_MARKER, looksLikeCache)).toBe(true);
    expect(mayAdopt(['thesis.tex', 'ab'], CACHE_MARKER, looksLikeCache)).toBe(false);
  });
});
