import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zooforge } from '../../helpers/cli.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { slowRunArgv, untilSilent } from '../../helpers/slow-run.ts';
import { tmp } from '../../helpers/tmp.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};
/** Running (not gone, not a zombie), as ps sees it. */
const isAlive = (pid: number): boolean => {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim()
      .startsWith('Z');
  } catch {
    return false; // ps exits 1 for no such process
  }
};

/** A pid above Linux's default pid_max: never alive. */
const DEAD = 2 ** 22 + 1;

/** A process's command line, '' when it exited since it was listed (a short-lived probe between two reads). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

describe('kill -9 of the CLI (issue 21.18)', () => {
  it('its Python worker dies with it, even one busy without output (which a closed pipe would never stop)', async () => {
    const { argv, out } = slowRunArgv(tmp('zf-kill-'));
    const cli = spawn(argv[0], [...argv.slice(1), '--plain'], {
      stdio: 'ignore',
      env: { ...process.env, CI: '1' },
      detached: true,
    }); // its own session, as from a terminal
    let worker: number | undefined;
    for (let i = 0; i < 600 && worker === undefined; i++) {
      // up to a minute for the first worker to start
      await sleep(100);
      worker = children(cli.pid!).find((pid) => commandLine(pid).includes('workers.export'));
    }
    expect(worker, 'no worker started').toBeDefined();
    // into its silent work: a worker that still had a line to print would die of the closed pipe, fix or no fix
    await untilSilent(out);
    cli.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 150 && !gone; i++) {
      await sleep(100);
      gone = !isAlive(worker!);
    }
    if (!gone) process.kill(worker!, 'SIGKILL');
    expect(gone, `worker ${worker} still running 15 s after its CLI was killed`).toBe(true);
  });

  it('the next run removes the staging a killed process left in the run folder and the cache; a live one stays', async () => {
    const dir = tmp('zf-kill-');
    const recipe = join(dir, 'r.yaml');
    writeFileSync(recipe, fashionRecipeText());
    const [out, cache] = [join(dir, 'out'), join(dir, 'cache')];
    expect((await zooforge(['run', recipe, '--until', 'preprocess', '--out', out, '--cache', cache])).exitCode).toBe(0);
    const left = [
      join(cache, 'ab', `.tmp-${DEAD}-0123456789ab`),
      join(out, `.tmp-${DEAD}-0123456789ab`),
      join(out, 'complete', `.tmp-${DEAD}-0123456789ab`),
    ];
    for (const d of left) mkdirSync(d, { recursive: true });
    writeFileSync(join(out, `manifest.json.${DEAD}.tmp`), '{');
    const live = join(cache, 'ab', `.tmp-${process.pid}-0123456789ab`);
    mkdirSync(live);
    mkdirSync(join(out, '.tmp', 'export-1234'), { recursive: true });
    const again = await zooforge(['run', recipe, '--until', 'preprocess', '--out', out, '--cache', cache]);
    expect(again.exitCode, again.stderr).toBe(0);
    for (const d of [...left, join(out, `manifest.json.${DEAD}.tmp`), join(out, '.tmp')])
      expect(existsSync(d), d).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
