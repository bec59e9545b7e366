import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '../errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One run per output dir: a `.lock` file holding the owner's pid; a lock whose owner died is taken over. */
export function acquireLock(outDir: string): () => void {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isFinite(owner) && alive(owner)) {
        throw new UserInputError(`${outDir} is in use by another zooforge run (pid ${owner}); wait for it, or use --out to pick another folder`);
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new UserInputError(`could not lock ${outDir}`);
}
