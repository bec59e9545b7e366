import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../pipeline/errors.ts';
import { runLogged } from '../../../pipeline/tools/run-logged.ts';
import { tmp } from '../../helpers/tmp.ts';

// A child that writes one protocol line in two pieces, 100 ms apart (two pipe chunks), then plain lines.
const SPLIT = `process.stdout.write('##zf-progress {"message":"half'); setTimeout(() => { process.stdout.write('way","done":1}\\nplain one\\n'); console.error('to stderr'); process.stdout.write('last, no newline'); }, 100);`;

describe('runLogged', () => {
  it('joins a line cut across pipe chunks, keeps the log in order, and keeps protocol lines out of the tail', async () => {
    const dir = tmp();
    const logFile = join(dir, 'stage.log');
    const seen: string[] = [];
    const r = await runLogged('node', ['-e', SPLIT], {
      cwd: dir,
      logFile,
      signal: new AbortController().signal,
      onLine: (l) => {
        seen.push(l);
        return l.startsWith('##zf-progress ');
      },
    });
    expect(r.exitCode).toBe(0);
    // stdout lines arrive in order; where the stderr line falls among them is up to the OS.
    expect(seen.filter((l) => l !== 'to stderr')).toEqual([
      '##zf-progress {"message":"halfway","done":1}',
      'plain one',
      'last, no newline',
    ]);
    expect(seen).toContain('to stderr');
    expect([...r.tail].sort()).toEqual(['last, no newline', 'plain one', 'to stderr']);
    const log = readFileSync(logFile, 'utf8');
    expect(log.startsWith('$ node -e ')).toBe(true);
    expect(log.indexOf('{"message":"half')).toBeLessThan(log.indexOf('plain one'));
    expect(log).toContain('to stderr');
  });

  it('says when the executable does not exist, and throws InterruptedError when aborted', async () => {
    const dir = tmp();
    const missing = await runLogged('zooforge-no-such-tool', [], {
      cwd: dir,
      logFile: join(dir, 'a.log'),
      signal: new AbortController().signal,
    });
    expect(missing.notFound).toBe(true);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    await expect(
      runLogged('sleep', ['30'], { cwd: dir, logFile: join(dir, 'b.log'), signal: ctl.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
  });

  it('stops a command that outlives ZOOFORGE_TIMEOUT_S and fails its stage saying so', async () => {
    const dir = tmp();
    process.env.ZOOFORGE_TIMEOUT_S = '0.3';
    try {
      await expect(
        runLogged('sleep', ['30'], { cwd: dir, logFile: join(dir, 'c.log'), signal: new AbortController().signal }),
      ).rejects.toThrow(/^sleep ran longer than 0\.3 s \(ZOOFORGE_TIMEOUT_S\) and was stopped$/);
    } finally {
      delete process.env.ZOOFORGE_TIMEOUT_S;
    }
  });
});
