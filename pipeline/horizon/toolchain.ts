import { execa } from 'execa';
import { ensured } from '../errors.ts';
import type { QuantizeSettings } from '../recipe/quantize-schema.ts';

/** How to start a toolchain command: on PATH, in the OpenExplorer docker image, or behind a user prefix. */
export interface Toolchain {
  describe: string;
  /** mounts: extra host folders the command reads (docker mounts them read-only at the same path); readOnly: the
   *  command only reads its cwd too. */
  argv(
    cwd: string,
    tool: string,
    args: string[],
    mounts?: string[],
    readOnly?: boolean,
    env?: Record<string, string>,
  ): string[];
}

export function toolchainFor(q: QuantizeSettings): Toolchain {
  const t = q.toolchain;
  if (t.docker_image) {
    return {
      describe: `docker image ${t.docker_image}`,
      // The work dir is mounted at the same path, so every path in the config and the log stays valid.
      // env: what the host process would inherit (e.g. PYTHONPATH for `python -m zooforge.workers.hb_evaluate`) passed in explicitly.
      argv: (cwd, tool, args, mounts = [], readOnly = false, env = {}) => [
        'docker',
        'run',
        '--rm',
        '-v',
        `${cwd}:${cwd}${readOnly ? ':ro' : ''}`,
        '-w',
        cwd,
        ...[...new Set(mounts)].flatMap((m) => ['-v', `${m}:${m}:ro`]),
        ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        ensured(t.docker_image, 'quantize.toolchain.docker_image'),
        tool,
        ...args,
      ],
    };
  }
  if (t.command.length > 0)
    return { describe: `prefix ${t.command.join(' ')}`, argv: (_cwd, tool, args) => [...t.command, tool, ...args] };
  return { describe: 'PATH', argv: (_cwd, tool, args) => [tool, ...args] };
}

/** hb_mapper / hbdk / horizon_nn versions through the same toolchain: part of the horizon stage's cache key. */
export async function toolchainVersions(tc: Toolchain, cwd: string): Promise<Record<string, string>> {
  const ask = async (tool: string, args: string[]): Promise<string> => {
    const [cmd, ...rest] = tc.argv(cwd, tool, args, [], true); // a version probe writes nothing
    const r = await execa(cmd, rest, { cwd, reject: false, timeout: 120_000 });
    return r.exitCode === 0 ? (`${r.stdout}`.trim().split('\n').pop() ?? '').trim() : 'absent';
  };
  return {
    hb_mapper: await ask('hb_mapper', ['--version']),
    hbdk: await ask('hbdk-cc', ['--version']),
    horizon_nn: await ask('python3', ['-c', 'import horizon_nn; print(horizon_nn.__version__)']),
  };
}
