import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../../pipeline/engine/lock.ts';
import { processIdentity } from '../../../pipeline/tools/lockfile.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('a lock whose pid now belongs to another process (issue 21.19)', () => {
  it('is taken over when the pid is alive but is not the process that wrote the lock; refused while it is', () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      const pid = sleeper.pid!;
      const reused = tmp('zf-lock-');
      // what a run wrote before a reboot: this pid, this host, another boot's identity
      writeFileSync(
        join(reused, '.lock'),
        `${pid} deadbeef ${hostname()} 00000000-0000-0000-0000-000000000000:12345\n`,
      );
      const release = acquireLock(reused);
      release();
      const live = tmp('zf-lock-');
      writeFileSync(join(live, '.lock'), `${pid} deadbeef ${hostname()} ${processIdentity(pid)}\n`);
      expect(() => acquireLock(live)).toThrow(new RegExp(`in use by another zooforge run \\(pid ${pid}\\)`));
    } finally {
      sleeper.kill();
    }
  });
});
