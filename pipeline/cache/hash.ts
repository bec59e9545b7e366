import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CorruptInputError } from '../errors.ts';

/** sha256 of a file's bytes, streamed (model files can be hundreds of MB). */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file below `dir`, following symbolic links (a dataset's class folder is often one), each real folder once. */
async function listFiles(dir: string, seen = new Set<string>()): Promise<string[]> {
  const real = await realpath(dir);
  if (seen.has(real)) return []; // a link cycle
  seen.add(real);
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.name === '__pycache__') continue; // interpreter byproducts, not content
    const kind = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
    if (!kind) throw new CorruptInputError(`${full} is a symbolic link to nothing (dangling): fix or remove it`);
    if (kind.isDirectory()) out.push(...(await listFiles(full, seen)));
    else if (kind.isFile()) out.push(full);
  }
  return out;
}

/** sha256 over (relative path, content hash) of every file below `dir`, in sorted order; or of one file. */
export async function hashPath(path: string): Promise<string> {
  if (!(await stat(path)).isDirectory()) return hashFile(path);
  const files = (await listFiles(path)).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${relative(path, f)}\0${await hashFile(f)}\n`);
  return hash.digest('hex');
}

/** Memoizes hashes within one process run; keyed by path+size+mtime only to avoid re-reading, never as a cache key. */
export class HashMemo {
  private readonly memo = new Map<string, string>();
  async hash(path: string): Promise<string> {
    const s = await stat(path);
    const id = `${path}\0${s.size}\0${s.mtimeMs}`;
    let h = this.memo.get(id);
    if (!h) {
      h = await hashPath(path);
      this.memo.set(id, h);
    }
    return h;
  }
}

/** Bytes of a file, or of every file below a folder. */
export async function sizeOf(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const f of await listFiles(path)) total += (await stat(f)).size;
  return total;
}
