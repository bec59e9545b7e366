import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run the real `zooforge` bin as a user would (plain output, CI-like environment). */
export async function zooforge(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa('node', [join(PROJECT_ROOT, 'bin', 'zooforge.js'), ...args], {
    reject: false,
    cwd: PROJECT_ROOT,
    env: { CI: '1', ...env },
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
