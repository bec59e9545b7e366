import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RunContext, Stage } from '../engine/types.ts';
import { StageFailedError } from '../errors.ts';
import { runLogged } from '../tools/run-logged.ts';
import { parseHrt, type HrtPerf } from '../horizon/hrt-parser.ts';

async function remote(ctx: RunContext, cmd: string, args: string[]): Promise<string> {
  const r = await runLogged(cmd, args, { cwd: ctx.workDir, logFile: ctx.logFile, signal: ctx.signal, command: ctx.command });
  if (r.exitCode !== 0) throw new StageFailedError(`${cmd} ${args.slice(0, 3).join(' ')}… ${r.notFound ? 'not found' : `exited ${r.exitCode}`}`, r.tail.slice(-10).join('\n'));
  return r.output;
}

/** The .bin on a real board: hrt_model_exec perf with 1 and N threads over ssh. A live board cannot be keyed. */
export const boardStage: Stage = {
  id: 'board',
  version: 1,
  title: 'Board perf (hrt_model_exec)',
  after: ['horizon'],
  cacheable: false,
  uncachedBecause: 'a live board cannot be keyed',
  disabledBecause: ({ recipe }) => (!recipe.board ? 'no board in the recipe' : recipe.quantize.backend !== 'horizon' ? 'board perf needs the .bin of the horizon backend' : undefined),
  inputs: ({ loaded }) => ({ recipe: { board: loaded.recipe.board }, files: { bin: { stage: 'horizon', output: 'bin' } }, tools: [] }),
  async run(ctx) {
    const b = ctx.loaded.recipe.board!;
    const target = `${b.user}@${b.host}`;
    const opts = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20']; // never wait on a password prompt or a dead board
    const ssh = ['-p', String(b.port), ...opts, target];
    const bin = `${b.remote_dir}/${basename(ctx.files.bin)}`;
    ctx.progress(`copying ${basename(ctx.files.bin)} to ${target}`);
    await remote(ctx, 'ssh', [...ssh, `mkdir -p ${b.remote_dir}`]);
    await remote(ctx, 'scp', ['-P', String(b.port), ...opts, ctx.files.bin, `${target}:${bin}`]);
    const perf = async (threads: number): Promise<HrtPerf> => {
      ctx.progress(`hrt_model_exec perf, ${threads} thread(s)`);
      const out = await remote(ctx, 'ssh', [...ssh, `hrt_model_exec perf --model_file ${bin} --thread_num ${threads} --frame_count ${b.frames}`]);
      const p = parseHrt(out).perf;
      if (!p || p.fps === null || p.average_latency_ms === null) throw new StageFailedError(`hrt_model_exec printed no perf result for ${threads} thread(s)`, out.split('\n').slice(-10).join('\n'));
      return p;
    };
    const single = await perf(1);
    const multi = await perf(b.threads);
    const info = parseHrt(await remote(ctx, 'ssh', [...ssh, `hrt_model_exec model_info --model_file ${bin}`]));
    await writeFile(join(ctx.workDir, 'board.json'), JSON.stringify({ single, multi, runtime: info.runtime }, null, 2));
    return { outputs: { board: 'board.json' }, data: { host: b.host, single, multi, runtime: info.runtime } };
  },
};
