import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** sha256 of a file's bytes, streamed (model files can be hundreds of MB). */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.name === '__pycache__') continue; // interpreter byproducts, not content
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
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
