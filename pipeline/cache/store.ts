import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hashPath } from './hash.ts';

export interface OutputRecord {
  /** path relative to the stage's output folder */
  path: string;
  sha256: string;
  bytes: number;
}

export interface CacheEntry {
  key: string;
  stage: string;
  createdAt: string;
  outputs: Record<string, OutputRecord>;
  /** the stage's JSON result (metrics, records) */
  data: unknown;
  commands: string[];
}

export type LookupResult =
  | { status: 'hit'; entry: CacheEntry; dir: string }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string };

const tmpName = (): string => `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;

/** Content-addressed store: <root>/<key[0..2]>/<key>/{entry.json, files/...}; entries appear by atomic rename. */
export class CacheStore {
  /** Entries already verified by this store (one store per run): plan and execute hash each output once. */
  private readonly verified = new Map<string, LookupResult>();

  constructor(readonly root: string) {}

  dirFor(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }

  /** A hit only when entry.json parses and every recorded output exists with its recorded hash. */
  async lookup(key: string): Promise<LookupResult> {
    const known = this.verified.get(key);
    if (known?.status === 'hit') return known;
    const result = await this.verify(key);
    if (result.status === 'hit') this.verified.set(key, result);
    return result;
  }

  private async verify(key: string): Promise<LookupResult> {
    const dir = this.dirFor(key);
    if (!existsSync(join(dir, 'entry.json'))) return { status: 'miss' };
    let entry: CacheEntry;
    try {
      entry = JSON.parse(await readFile(join(dir, 'entry.json'), 'utf8')) as CacheEntry;
    } catch {
      return { status: 'corrupt', reason: 'entry.json is unreadable' };
    }
    if (entry.key !== key) return { status: 'corrupt', reason: `entry.json names key ${entry.key}` };
    for (const [name, out] of Object.entries(entry.outputs)) {
      const file = join(dir, 'files', out.path);
      if (!existsSync(file)) return { status: 'corrupt', reason: `output ${name} (${out.path}) is missing` };
      const actual = await hashPath(file);
      if (actual !== out.sha256) return { status: 'corrupt', reason: `output ${name} (${out.path}) has sha256 ${actual.slice(0, 12)}…, recorded ${out.sha256.slice(0, 12)}…` };
    }
    return { status: 'hit', entry, dir };
  }

  async evict(key: string): Promise<void> {
    this.verified.delete(key);
    await rm(this.dirFor(key), { recursive: true, force: true });
  }

  /** Moves a finished stage's output folder into the store. Returns the entry's folder. */
  async commit(entry: CacheEntry, outputDir: string): Promise<string> {
    const final = this.dirFor(entry.key);
    await mkdir(dirname(final), { recursive: true });
    const staging = join(dirname(final), tmpName());
    await mkdir(staging);
    await rename(outputDir, join(staging, 'files'));
    await writeFile(join(staging, 'entry.json'), JSON.stringify(entry, null, 2));
    try {
      await rename(staging, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if ((await this.verify(entry.key)).status === 'hit') {
        await rm(staging, { recursive: true, force: true }); // another run committed the same key first: keep theirs
      } else {
        const old = join(dirname(final), tmpName()); // a corrupt entry is replaced, never kept
        await rename(final, old);
        await rename(staging, final);
        await rm(old, { recursive: true, force: true });
      }
    }
    this.verified.delete(entry.key);
    return final;
  }
}

/** Replace `target` with a copy of `source` (hard links where possible) without a moment of half-written state. */
export async function materialize(source: string, target: string): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, tmpName());
  await linkTree(source, staging);
  const old = join(parent, tmpName());
  if (existsSync(target)) await rename(target, old);
  await rename(staging, target);
  await rm(old, { recursive: true, force: true });
}

async function linkTree(source: string, target: string): Promise<void> {
  await cp(source, target, { recursive: true, filter: async (src, dst) => {
    if (!(await stat(src)).isFile()) return true;
    // Hard-link files (models are large); across devices, or where links are refused, cp copies instead.
    try {
      await mkdir(dirname(dst), { recursive: true });
      await link(src, dst);
      return false;
    } catch (err) {
      if (['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK'].includes((err as NodeJS.ErrnoException).code ?? '')) return true;
      throw err;
    }
  } });
}
