// Helper process for lease.test.ts: wait for the shared start instant, lease one key of a shared cache, and "compute"
// it only if the entry is not there yet (as the engine does); prints "computed" or "reused".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPath } from '../../../pipeline/cache/hash.ts';
import { leaseKey } from '../../../pipeline/cache/lease.ts';
import { CacheStore } from '../../../pipeline/cache/store.ts';

const [root, key, startAt] = [process.argv[2], process.argv[3], Number(process.argv[4])];
while (Date.now() < startAt) {
  /* spin: every process asks for the lease in the same millisecond */
}
const store = new CacheStore(root);
store.open(); // as a run does: the cache gets its marker, this process is one of its users
const release = await leaseKey(store.leaseFor(key), new AbortController().signal, () => {});
try {
  if ((await store.lookup(key)).status === 'hit') process.stdout.write('reused\n');
  else {
    const work = mkdtempSync(join(tmpdir(), 'zf-lease-work-'));
    writeFileSync(join(work, 'out.txt'), `computed by ${process.pid}\n`);
    await new Promise((r) => setTimeout(r, 300)); // long enough that the others are all waiting
    const file = join(work, 'out.txt');
    const outputs = { out: { path: 'out.txt', sha256: await hashPath(file), bytes: 0 } };
    await store.commit(
      { key, stage: 'test', createdAt: new Date().toISOString(), outputs, data: { pid: process.pid }, commands: [] },
      work,
    );
    process.stdout.write('computed\n');
  }
} finally {
  release();
}
