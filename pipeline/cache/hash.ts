import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserInputError } from '../errors.ts';
import { notRegular } from '../tools/file-kind.ts';
import { type FolderListing, listFolder, skippedSummary } from './listing.ts';

/** sha256 of a file's bytes, streamed (model files can be hundreds of MB). */
export async function hashFile(path: string): Promise<string> {
  // one open, checked on its descriptor: a pipe or device named where a file belongs would block or never end
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const odd = notRegular(await file.stat());
  if (odd) {
    await file.close();
    throw new UserInputError(`${path}: ${odd}: cannot hash it`);
  }
  const hash = createHash('sha256');
  for await (const chunk of file.createReadStream()) hash.update(chunk as Buffer); // closes the file at its end
  return hash.digest('hex');
}

/** sha256 over the listing (folders as `d <path>`, so an empty class folder counts) and each listed file's content. */
async function hashListing(root: string, listing: FolderListing): Promise<string> {
  const hash = createHash('sha256');
  for (const d of listing.dirs) hash.update(`d ${d}\n`);
  for (const f of listing.files) hash.update(`${f}\0${await hashFile(join(root, f))}\n`);
  return hash.digest('hex');
}

/** The content hash of one file, or of a folder as listFolder lists it. */
export async function hashPath(path: string): Promise<string> {
  if (!(await stat(path)).isDirectory()) return hashFile(path);
  return hashListing(path, await listFolder(path));
}

/** Memoizes hashes within one process run; keyed by path+size+mtime only to avoid re-reading, never as a cache key. */
export class HashMemo {
  private readonly memo = new Map<string, string>();
  private readonly listings = new Map<string, Promise<FolderListing>>();
  private readonly folderHashes = new Map<string, Promise<string>>();

  async hash(path: string): Promise<string> {
    const s = await stat(path);
    if (s.isDirectory()) {
      let h = this.folderHashes.get(path);
      if (!h) {
        h = this.listing(path).then((listing) => hashListing(path, listing));
        this.folderHashes.set(path, h);
      }
      return h;
    }
    const id = `${path}\0${s.size}\0${s.mtimeMs}`;
    let h = this.memo.get(id);
    if (!h) {
      h = await hashFile(path);
      this.memo.set(id, h);
    }
    return h;
  }

  private readonly handedOut = new Set<string>();

  /** A folder's listing for a stage's worker: what it left out is told (`tell`) the first time in a run only, however
   *  many stages read the folder. */
  async listingFor(path: string, tell: (message: string) => void): Promise<FolderListing> {
    const listing = await this.listing(path);
    const left = skippedSummary(path, listing);
    if (left && !this.handedOut.has(path)) tell(left);
    this.handedOut.add(path);
    return listing;
  }

  /** A folder's listing, made once per run: the list the key hashes is the list the stage hands its worker. */
  listing(path: string): Promise<FolderListing> {
    let found = this.listings.get(path);
    if (!found) {
      found = listFolder(path);
      this.listings.set(path, found);
    }
    return found;
  }
}

/** Bytes of a file, or of every file below a folder. */
export async function sizeOf(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const f of (await listFolder(path)).files) total += (await stat(join(path, f))).size;
  return total;
}
