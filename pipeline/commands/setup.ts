import { execa } from 'execa';
import { EnvironmentError } from '../errors.ts';
import { PROJECT_ROOT, SCRIPTS_DIR, VENV_DIR } from '../paths.ts';

/** Builds (or checks) what the workers need: Debian packages and the Python venv at VENV_DIR, through the same
 *  scripts/setup.sh a checkout runs. Idempotent: a second call checks stamps and returns in seconds. */
export async function setupCommand(): Promise<number> {
  process.stderr.write(`setup: the Python environment goes to ${VENV_DIR}\n`);
  const r = await execa('bash', [`${SCRIPTS_DIR}/setup.sh`], {
    cwd: PROJECT_ROOT,
    env: { ZOOFORGE_VENV: VENV_DIR },
    stdio: 'inherit',
    reject: false,
  });
  if (r.exitCode !== 0)
    throw new EnvironmentError(`setup failed (scripts/setup.sh exited ${r.exitCode}); its output is above`);
  process.stderr.write("setup: done; 'zooforge doctor' shows what is there\n");
  return 0;
}
