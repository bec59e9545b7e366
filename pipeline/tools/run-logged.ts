import { appendFileSync } from 'node:fs';
import { execa } from 'execa';
import { InterruptedError, StageFailedError } from '../errors.ts';

/** The longest any one external command (worker, hb_mapper, ssh) may run: ZOOFORGE_TIMEOUT_S, default 6 h (an
 *  ImageNet-size evaluation on 2 cores takes about one). A hung tool then fails its stage instead of the run. */
export function commandTimeoutMs(): number {
  const s = Number(process.env.ZOOFORGE_TIMEOUT_S ?? 6 * 3600);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 6 * 3600 * 1000;
}

export interface LoggedOptions {
  cwd: string;
  logFile: string;
  signal: AbortSignal;
  env?: Record<string, string>;
  /** Called with every complete output line; return true when the line was a protocol line (kept out of the tail). */
  onLine?(line: string): boolean;
  /** Record the command line (for the manifest). */
  command?(cmd: string): void;
  /** A file fed to the command's stdin (default: no stdin). */
  inputFile?: string;
  /** Ctrl-C sends SIGTERM, then SIGKILL after this long (default 3 s). */
  killGraceMs?: number;
}

export interface LoggedRun {
  exitCode: number | undefined;
  /** The executable does not exist (ENOENT). */
  notFound: boolean;
  output: string;
  /** The last non-protocol lines, for error messages. */
  tail: string[];
}

/** Every external command zooforge runs goes through here: execa with the stage's cwd, env, Ctrl-C signal and
 *  timeout; each stream cut into whole lines by execa (a line split across pipe chunks arrives once, whole), seen by
 *  `onLine`, and appended to the stage log as it arrives. Ctrl-C stops it: InterruptedError. */
export async function runLogged(cmd: string, args: string[], o: LoggedOptions): Promise<LoggedRun> {
  o.command?.([cmd, ...args].join(' '));
  appendFileSync(o.logFile, `$ ${cmd} ${args.join(' ')}\n`);
  const tail: string[] = [];
  const lines: string[] = [];
  // One line-wise transform per stream: execa splits each stream on its own, so stderr never splices into a
  // half-received stdout line.
  const seen = function* (chunk: unknown) {
    const line = String(chunk);
    lines.push(line);
    if (!o.onLine?.(line) && line.trim()) {
      tail.push(line);
      if (tail.length > 25) tail.shift();
    }
    yield line;
  };
  const log = { file: o.logFile, append: true } as const;
  const timeout = commandTimeoutMs();
  const stdin = o.inputFile ? { file: o.inputFile } : ('ignore' as const);
  const result = await execa(cmd, args, {
    cwd: o.cwd,
    env: o.env,
    reject: false,
    timeout,
    cancelSignal: o.signal,
    forceKillAfterDelay: o.killGraceMs ?? 3000,
    stdin,
    stdout: [seen, log],
    stderr: [seen, log],
  });
  if (o.signal.aborted) throw new InterruptedError();
  if (result.timedOut)
    throw new StageFailedError(
      `${cmd} ran longer than ${timeout / 1000} s (ZOOFORGE_TIMEOUT_S) and was stopped`,
      tail.slice(-10).join('\n'),
    );
  return {
    exitCode: result.exitCode,
    notFound: (result as { code?: string }).code === 'ENOENT',
    output: lines.join('\n'),
    tail,
  };
}
