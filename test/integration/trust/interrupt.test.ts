import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shCommand } from '../../../pipeline/tools/shell.ts';
import { slowRunArgv, untilSilent } from '../../helpers/slow-run.ts';
import { tmp } from '../../helpers/tmp.ts';

/** Ctrl-C in the live (listr2) view: the run must record it as --plain does (issue 21.9). `script` gives the CLI a
 *  terminal, so it picks the listr2 reporter. */
describe('Ctrl-C in the live view', () => {
  it('exits 130 with a message, writes an interrupted manifest, and leaves no lock or staging', async () => {
    const { argv, out } = slowRunArgv(tmp('zf-ctrlc-'));
    const recipe = argv[3];
    const env = { ...process.env };
    delete env.CI; // a person at a terminal
    const term = spawn('script', ['-qec', shCommand(argv), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    term.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
    });
    const exited = new Promise<number>((r) => term.on('exit', (code) => r(code ?? -1)));
    await untilSilent(out);
    const cli = execFileSync('pgrep', ['-f', `zooforge.js run ${recipe}`])
      .toString()
      .trim()
      .split('\n')
      .map(Number)
      .find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('node'));
    expect(cli).toBeDefined();
    process.kill(cli!, 'SIGINT'); // what the terminal sends the foreground process on Ctrl-C
    const code = await exited;
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/zooforge: interrupted/);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).status).toBe('interrupted');
    expect(existsSync(join(out, '.lock'))).toBe(false);
    expect(existsSync(join(out, '.tmp'))).toBe(false);
  });
});
