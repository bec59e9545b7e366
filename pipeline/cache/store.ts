import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { cp, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CACHE_MARKER, claimDir, looksLikeCache } from '../engine/outdir.ts';
import { liveOwner, ownerText, tryLock } from '../tools/lockfile.ts';
import { removeStaleStaging, stagingName } from '../tools/staging.ts';
import { hashPath } from './hash.ts';
import { canonicalJson, sha256Text } from './key.ts';

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
  /** sha256 over the canonical JSON of every other field: a hand-edited metric is caught like a changed file. */
  digest?: string;
}

/** The digest an entry must carry: over all of it but the digest itself. */
export function entryDigest(entry: CacheEntry): string {
  const { digest: _digest, ...rest } = entry;
  return sha256Text(canonicalJson(rest));
}

export interface CacheHit {
  status: 'hit';
  entry: CacheEntry;
  dir: string;
}
export type LookupResult = CacheHit | { status: 'miss' } | { status: 'corrupt'; reason: string };

/** One lock file per process using the cache (cache/store.ts open). */
const USERS_DIR = '.users';

/** The zooforge processes using the cache at `root` now, in words (none: an empty list). */
export function cacheUsers(root: string): string[] {
  const dir = join(root, USERS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.lock'))
    .flatMap((n) => {
      const owner = liveOwner(join(dir, n));
      return owner ? [ownerText(owner)] : [];
    });
}

/** Content-addressed store: <root>/<key[0..2]>/<key>/{entry.json, files/...}; entries appear by atomic rename. */
export class CacheStore {
  /** Entries already verified by this store (one store per run): plan and execute hash each output once. */
  private readonly verified = new Map<string, LookupResult>();

  constructor(readonly root: string) {}

  /** Use the cache at `root`: create it with its marker (or accept one zooforge made) and register this process as a
   *  user under .users/, which `clean --purge-cache` checks. Returns the function that ends the registration. */
  open(): () => void {
    this.claim();
    this.removeStaleStaging();
    mkdirSync(join(this.root, USERS_DIR), { recursive: true });
    const got = tryLock(join(this.root, USERS_DIR, `${process.pid}-${randomBytes(6).toString('hex')}.lock`));
    return got.held ? got.release : () => undefined;
  }

  /** Staging folders of runs killed in a commit, in every shard (a few hundred readdirs at a run's start). */
  private removeStaleStaging(): void {
    for (const shard of readdirSync(this.root).filter((n) => /^[0-9a-f]{2}$/.test(n)))
      removeStaleStaging(join(this.root, shard));
  }

  /** The marker on every cache folder zooforge creates, also when a purge removed it under a running run. */
  private claim(): void {
    claimDir(this.root, CACHE_MARKER, 'cache', looksLikeCache);
  }

  dirFor(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }

  /** The lock a run holds while it computes `key` (cache/lease.ts); under .leases/, so no entry shard is made for a
   *  stage that then fails. */
  leaseFor(key: string): string {
    return join(this.root, '.leases', `${key}.lease`);
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
    if (entry.digest !== entryDigest(entry))
      return { status: 'corrupt', reason: 'entry.json was changed after it was written (its digest does not match)' };
    for (const [name, out] of Object.entries(entry.outputs)) {
      const file = join(dir, 'files', out.path);
      if (!existsSync(file)) return { status: 'corrupt', reason: `output ${name} (${out.path}) is missing` };
      const actual = await hashPath(file);
      if (actual !== out.sha256)
        return {
          status: 'corrupt',
          reason: `output ${name} (${out.path}) has sha256 ${actual.slice(0, 12)}…, recorded ${out.sha256.slice(0, 12)}…`,
        };
    }
    return { status: 'hit', entry, dir };
  }

  async evict(key: string): Promise<void> {
    this.verified.delete(key);
    await rm(this.dirFor(key), { recursive: true, force: true });
  }

  /** Moves a finished stage's output folder into the store and returns the entry's folder. An existing valid entry
   *  for the key is kept (another run got there first), unless `replace` (--force: the user distrusts it). The
   *  output folder may be on another filesystem (--out on tmpfs): it is then copied into a staging folder here. */
  async commit(entry: CacheEntry, outputDir: string, replace = false): Promise<string> {
    this.claim();
    const final = this.dirFor(entry.key);
    await mkdir(dirname(final), { recursive: true });
    const staging = join(dirname(final), stagingName());
    await mkdir(staging);
    try {
      await moveInto(outputDir, join(staging, 'files'));
      await writeFile(join(staging, 'entry.json'), JSON.stringify({ ...entry, digest: entryDigest(entry) }, null, 2));
      await this.install(entry.key, staging, final, replace);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    this.verified.delete(entry.key);
    return final;
  }

  /** Rename a complete staging folder into place; never a moment where `final` holds half an entry. */
  private async install(key: string, staging: string, final: string, replace: boolean): Promise<void> {
    try {
      await rename(staging, final);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw err;
    }
    this.verified.delete(key);
    if (!replace && (await this.verify(key)).status === 'hit') return; // another run committed the same key first: keep theirs
    const old = join(dirname(final), stagingName()); // a corrupt (or forced) entry is replaced, never kept
    await rename(final, old);
    await rename(staging, final);
    await rm(old, { recursive: true, force: true });
  }
}

/** rename(), or on another filesystem a copy followed by removing the source. */
async function moveInto(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(source, target, { recursive: true });
    await rm(source, { recursive: true, force: true });
  }
}

/** Replace `target` with a copy of `source` (hard links where possible) without a moment of half-written state. */
export async function materialize(source: string, target: string): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, stagingName());
  await linkTree(source, staging);
  const old = join(parent, stagingName());
  if (existsSync(target)) await rename(target, old);
  await rename(staging, target);
  await rm(old, { recursive: true, force: true });
}

export async function linkTree(source: string, target: string): Promise<void> {
  await cp(source, target, {
    recursive: true,
    filter: async (src, dst) => {
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
    },
  });
}
