// Helper process for lock.test.ts: at each scheduled instant, try to take the lock of one trial folder; on success
// hold it a while, then release. Prints one line per trial: "<trial> got <held from> <held until>" (epoch ms, taken just
// after acquiring and just before releasing) or "<trial> busy".
import { join } from 'node:path';
import { acquireLock } from '../../../pipeline/engine/lock.ts';

const [root, startAt, trials, spacing] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
for (let t = 0; t < trials; t++) {
  const at = startAt + t * spacing;
  while (Date.now() < at) {
    /* spin: every process calls acquireLock in the same millisecond */
  }
  try {
    const release = acquireLock(join(root, String(t)));
    const from = performance.timeOrigin + performance.now();
    const until = Date.now() + spacing / 2;
    while (Date.now() < until) {
      /* hold it while the others try */
    }
    const to = performance.timeOrigin + performance.now();
    release();
    process.stdout.write(`${t} got ${from} ${to}\n`);
  } catch (err) {
    process.stdout.write(`${t} busy ${(err as Error).message.includes('in use') ? '' : (err as Error).message}\n`);
  }
}
