import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson, type KeyMaterial } from '../../../pipeline/cache/key.ts';
import { CacheStore } from '../../../pipeline/cache/store.ts';
import { tmp } from '../../helpers/tmp.ts';

const material: KeyMaterial = {
  stage: 's',
  stageVersion: 1,
  recipe: { b: 1, a: [1, { y: 2, x: 1 }] },
  files: { f: 'aa' },
  tools: { torch: '1.13' },
};

describe('cache keys', () => {
  it('canonical JSON ignores key order and undefined fields, and refuses a number JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: 2 } })).toBe('{"a":{"c":2},"b":1}');
    expect(() => canonicalJson({ x: NaN })).toThrow(/non-finite/);
  });

  it('every part of the key material changes the key; the order of keys does not', () => {
    const key = cacheKey(material);
    expect(cacheKey({ ...material, recipe: { a: [1, { x: 1, y: 2 }], b: 1 } })).toBe(key);
    for (const changed of [
      { stageVersion: 2 },
      { recipe: { b: 2 } },
      { files: { f: 'ab' } },
      { tools: { torch: '2.0' } },
      { stage: 't' },
    ]) {
      expect(cacheKey({ ...material, ...changed }), JSON.stringify(changed)).not.toBe(key);
    }
  });
});

describe('the cache store', () => {
  async function committed() {
    const root = tmp('zf-store-');
    const store = new CacheStore(join(root, 'cache'));
    const out = join(root, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'model.onnx'), 'weights');
    const { hashPath } = await import('../../../pipeline/cache/hash.ts');
    const key = cacheKey(material);
    const dir = await store.commit(
      {
        key,
        stage: 's',
        createdAt: 'now',
        outputs: { model: { path: 'model.onnx', sha256: await hashPath(join(out, 'model.onnx')), bytes: 7 } },
        data: { top1: 91.5 },
        commands: [],
      },
      out,
    );
    return { store, key, dir };
  }

  it('finds what it committed, with its data', async () => {
    const { store, key } = await committed();
    const found = await store.lookup(key);
    expect(found.status).toBe('hit');
    expect(found.status === 'hit' && found.entry.data).toEqual({ top1: 91.5 });
    expect((await store.lookup('0'.repeat(64))).status).toBe('miss');
  });

  it('reports an output changed after the commit as corrupt, naming it, and forgets an evicted entry', async () => {
    const { store, key, dir } = await committed();
    writeFileSync(join(dir, 'files', 'model.onnx'), 'tampered');
    const found = await store.lookup(key);
    expect(found.status).toBe('corrupt');
    expect(found.status === 'corrupt' && found.reason).toMatch(/output model \(model\.onnx\) has sha256/);
    await store.evict(key);
    expect((await store.lookup(key)).status).toBe('miss');
  });
});
