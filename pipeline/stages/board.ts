import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import type { RunContext, Stage } from '../engine/types.ts';
import { InterruptedError, StageFailedError } from '../errors.ts';
import { parseHrt, type HrtPerf } from '../horizon/hrt-parser.ts';

async function remote(ctx: RunContext, cmd: string, args: string[]): Promise<string> {
  ctx.command([cmd, ...args].join(' '));
  const r = await execa(cmd, args, { reject: false, all: true, cancelSignal: ctx.signal, timeout: 600_000, stdin: 'ignore' });
  await writeFile(ctx.logFile, `$ ${cmd} ${args.join(' ')}\n${r.all ?? ''}\n`, { flag: 'a' });
  if (ctx.signal.aborted) throw new InterruptedError();
  if (r.exitCode !== 0) throw new StageFailedError(`${cmd} ${args.slice(0, 3).join(' ')}… exited ${r.exitCode ?? r.code}`, String(r.all ?? '').split('\n').slice(-10).join('\n'));
  return String(r.all ?? '');
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
    const ssh = ['-p', String(b.port), '-o', 'BatchMode=yes', target];
    const bin = `${b.remote_dir}/${basename(ctx.files.bin)}`;
    ctx.progress(`copying ${basename(ctx.files.bin)} to ${target}`);
    await remote(ctx, 'ssh', [...ssh, `mkdir -p ${b.remote_dir}`]);
    await remote(ctx, 'scp', ['-P', String(b.port), '-o', 'BatchMode=yes', ctx.files.bin, `${target}:${bin}`]);
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
