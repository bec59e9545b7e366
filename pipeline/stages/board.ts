import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RunContext, Stage } from '../engine/types.ts';
import { ensured, StageFailedError } from '../errors.ts';
import { type HrtPerf, parseHrt } from '../horizon/hrt-parser.ts';
import { runLogged } from '../tools/run-logged.ts';
import { shCommand } from '../tools/shell.ts';

/** One command on the board. ssh joins its arguments into a string for the board's login shell, so the remote
 *  argv is quoted here (shCommand) and `--` ends ssh's own options before the destination. */
async function onBoard(ctx: RunContext, remoteArgv: string[], inputFile?: string): Promise<string> {
  const b = ensured(ctx.loaded.recipe.board, 'board');
  const args = [
    '-p',
    String(b.port),
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=20', // never wait on a password prompt or a dead board
    '--',
    `${b.user}@${b.host}`,
    shCommand(remoteArgv),
  ];
  const r = await runLogged('ssh', args, {
    cwd: ctx.workDir,
    logFile: ctx.logFile,
    signal: ctx.signal,
    command: ctx.command,
    inputFile,
  });
  if (r.exitCode !== 0)
    throw new StageFailedError(
      `ssh ${b.host} ${remoteArgv.slice(0, 2).join(' ')}… ${r.notFound ? 'not found' : `exited ${r.exitCode}`}`,
      r.tail.slice(-10).join('\n'),
    );
  return r.output;
}

/** The .bin on a real board: hrt_model_exec perf with 1 and N threads over ssh. A live board cannot be keyed. */
export const boardStage: Stage = {
  id: 'board',
  version: 2,
  title: 'Board perf (hrt_model_exec)',
  cacheable: false,
  uncachedBecause: 'a live board cannot be keyed',
  disabledBecause: ({ recipe }) => (!recipe.board ? 'no board in the recipe' : undefined),
  inputs: ({ loaded }) => ({
    recipe: { board: loaded.recipe.board },
    files: { bin: { stage: 'horizon', output: 'bin' } },
    tools: [],
  }),
  async run(ctx) {
    const b = ensured(ctx.loaded.recipe.board, 'board');
    const bin = `${b.remote_dir.replace(/\/+$/, '')}/${basename(ctx.files.bin)}`;
    ctx.progress(`copying ${basename(ctx.files.bin)} to ${b.host}:${bin}`);
    await onBoard(ctx, ['mkdir', '-p', '--', b.remote_dir]);
    // Through ssh's stdin rather than scp: scp's remote path syntax differs between its SCP and SFTP modes.
    await onBoard(ctx, ['sh', '-c', 'cat > "$1"', 'sh', bin], ctx.files.bin);
    const perf = async (threads: number): Promise<HrtPerf> => {
      ctx.progress(`hrt_model_exec perf, ${threads} thread(s)`);
      const out = await onBoard(ctx, [
        'hrt_model_exec',
        'perf',
        '--model_file',
        bin,
        '--thread_num',
        String(threads),
        '--frame_count',
        String(b.frames),
      ]);
      const p = parseHrt(out).perf;
      if (!p || p.fps === null || p.average_latency_ms === null)
        throw new StageFailedError(
          `hrt_model_exec printed no perf result for ${threads} thread(s)`,
          out.split('\n').slice(-10).join('\n'),
        );
      return p;
    };
    const single = await perf(1);
    const multi = await perf(b.threads);
    const info = parseHrt(await onBoard(ctx, ['hrt_model_exec', 'model_info', '--model_file', bin]));
    await writeFile(join(ctx.workDir, 'board.json'), JSON.stringify({ single, multi, runtime: info.runtime }, null, 2));
    return { outputs: { board: 'board.json' }, data: { host: b.host, single, multi, runtime: info.runtime } };
  },
};
