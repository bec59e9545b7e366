// The unit tier's promise: no process is started. Every way node starts one throws here, so a unit test that starts
// Python, the CLI or a shell fails at once and names the call, instead of slowing the one-minute loop.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
for (const name of STARTERS) {
  Object.assign(childProcess, {
    [name]: (command: unknown) => {
      throw new Error(
        `unit tests start no process (child_process.${name}(${String(command)})): move it to test/integration`,
      );
    },
  });
}
syncBuiltinESMExports();
