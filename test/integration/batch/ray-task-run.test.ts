import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('a run started by a Ray task', () => {
  const standin = join(PROJECT_ROOT, 'test', 'helpers', 'worker_standin.py');
  const CLI = join(PROJECT_ROOT, 'bin', 'zooforge.js');
  /** A folder with the demo recipe; argv of a run of it into <dir>/run. */
  const fashionRun = (extra: string[] = []): { dir: string; out: string; argv: string[] } => {
    const dir = tmp('zf-orphan-');
    writeFileSync(join(dir, 'fashion.yaml'), fashionRecipeText());
    const out = join(dir, 'run');
    return {
      dir,
      out,
      argv: ['node', CLI, 'run', join(dir, 'fashion.yaml'), '--out', out, '--cache', join(dir, 'cache'), ...extra],
    };
  };
  /** The run's recorded status once it has let its folder go (its lock released). */
  const settled = async (out: string): Promise<string> => {
    const deadline = Date.now() + 30_000;
    while ((existsSync(join(out, '.lock')) || !existsSync(join(out, 'manifest.json'))) && Date.now() < deadline)
      await sleep(200);
    expect(existsSync(join(out, '.lock')), 'the run let its folder go').toBe(false);
    return (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { status: string }).status;
  };

  it("stops and records interrupted once the task's worker is killed mid-run, releasing its folder", async () => {
    const { out, argv } = fashionRun(['--json', '--set', 'evaluate.perf_runs=0']);
    // the stand-in hands the run a pipe as zooforge/protocol/ray_task.py does, and is SIGKILLed once a stage has started
    const worker = execa('python3', [standin, ...argv], { reject: false, cwd: PROJECT_ROOT, env: { CI: '1' } });
    const started = await new Promise<boolean>((res) => {
      let seen = '';
      worker.stdout!.on('data', (c: Buffer) => {
        seen += String(c);
        if (/"type":"stage-start"/.test(seen)) res(true);
      });
      void worker.then(() => res(false));
    });
    expect(started).toBe(true);
    worker.kill('SIGKILL');
    await worker;
    expect(await settled(out)).toBe('interrupted');
  }, 60_000);

  it('stops as well when the worker is gone before the run has even started its first stage', async () => {
    // (watching for a new parent pid, as before, missed this: the run then held its folder until it finished)
    const { out, argv } = fashionRun(['--set', 'evaluate.perf_runs=0']);
    await execa('python3', [standin, '--die-at-once', ...argv], {
      cwd: PROJECT_ROOT,
      env: { CI: '1' },
      stdout: 'ignore',
      stderr: 'ignore',
    });
    expect(await settled(out)).toBe('interrupted');
  }, 60_000);

  it.each(['3', '0:12', '1:12', '3:0', '3:1', '1e3:1', '0x3:1', ' 3:1', '$(touch /tmp/zf-pwned)'])(
    'ZOOFORGE_PARENT_FD=%j (stdio, wrong inode, not a pipe, or not "<fd>:<inode>") is ignored: the run completes',
    async (value) => {
      const { out, argv } = fashionRun(['--until', 'export']);
      const r = await execa(argv[0], argv.slice(1), {
        reject: false,
        cwd: PROJECT_ROOT,
        env: { CI: '1', ZOOFORGE_PARENT_FD: value },
        input: '',
      }); // stdin at end-of-file
      expect(r.exitCode, String(r.stderr)).toBe(0);
      expect(await settled(out)).toBe('passed');
      expect(existsSync('/tmp/zf-pwned')).toBe(false);
    },
    60_000,
  );

  it("a pipe at the named descriptor with another inode is not the worker's: its end does not stop the run", async () => {
    // a parent that hands over a pipe, names it with a wrong inode and exits at once (as a stray value would)
    const { out, argv } = fashionRun(['--until', 'export']);
    const py =
      'import os, subprocess, sys\nr, w = os.pipe()\nsubprocess.Popen(sys.argv[1:], env={**os.environ, "ZOOFORGE_PARENT_FD": f"{r}:{os.fstat(r).st_ino + 1}"}, pass_fds=(r,))\nos._exit(0)';
    await execa('python3', ['-c', py, ...argv], {
      cwd: PROJECT_ROOT,
      env: { CI: '1' },
      stdout: 'ignore',
      stderr: 'ignore',
    });
    expect(await settled(out)).toBe('passed');
  }, 60_000);
});
