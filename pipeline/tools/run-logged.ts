import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { InterruptedError } from '../errors.ts';

export interface LoggedOptions {
  cwd: string;
  logFile: string;
  signal: AbortSignal;
  env?: Record<string, string>;
  /** Called with every complete output line; return true when the line was a protocol line (kept out of the tail). */
  onLine?(line: string): boolean | void;
  /** Record the command line (for the manifest). */
  command?(cmd: string): void;
  /** A file fed to the command's stdin (default: no stdin). */
  inputFile?: string;
}

export interface LoggedRun {
  exitCode: number | undefined;
  /** The executable does not exist (ENOENT). */
  notFound: boolean;
  output: string;
  /** The last non-protocol lines, for error messages. */
  tail: string[];
}

/** Run a command with its stdout and stderr appended, as they arrive, to the stage log, each split into whole
 *  lines (a line cut across two pipe chunks is joined before onLine sees it). Ctrl-C stops it: InterruptedError. */
export async function runLogged(cmd: string, args: string[], o: LoggedOptions): Promise<LoggedRun> {
  o.command?.([cmd, ...args].join(' '));
  const log = createWriteStream(o.logFile, { flags: 'a' });
  log.write(`$ ${cmd} ${args.join(' ')}\n`);
  const child = execa(cmd, args, {
    cwd: o.cwd, env: o.env, reject: false, buffer: false, ...(o.inputFile ? { inputFile: o.inputFile } : { stdin: 'ignore' as const }), cancelSignal: o.signal, forceKillAfterDelay: 3000,
  });
  const tail: string[] = [];
  const chunks: string[] = [];
  const line = (l: string): void => {
    if (o.onLine?.(l) || !l.trim()) return;
    tail.push(l);
    if (tail.length > 25) tail.shift();
  };
  // Each stream is cut into lines on its own: a stderr chunk must not splice into a half-received stdout line.
  const carries: string[] = [];
  for (const [k, stream] of [child.stdout, child.stderr].entries()) {
    carries[k] = '';
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      chunks.push(chunk.toString());
      const lines = (carries[k] + chunk.toString()).split('\n');
      carries[k] = lines.pop() ?? '';
      lines.forEach(line);
    });
  }
  const result = await child;
  carries.filter(Boolean).forEach(line);
  log.end();
  await finished(log);
  if (o.signal.aborted) throw new InterruptedError();
  return { exitCode: result.exitCode, notFound: (result as { code?: string }).code === 'ENOENT', output: chunks.join(''), tail };
}
