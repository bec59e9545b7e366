import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { PROTOCOL } from '../contracts/protocol.ts';
import { ToolVersions } from '../contracts/tools.ts';
import type { WorkerContract, WorkerInput, WorkerOutput } from '../contracts/workers.ts';
import { StageFailedError, UserInputError } from '../errors.ts';
import { PYTHON_ROOT, VENV_PYTHON } from '../paths.ts';
import { runLogged } from './run-logged.ts';

export type { ToolVersions };

export interface WorkerIo {
  workDir: string;
  logFile: string;
  signal: AbortSignal;
  progress?(message: string, done?: number, total?: number): void;
  warn?(message: string): void;
  command?(cmd: string): void;
  /** A PROTOCOL.event line's JSON (the Ray driver's task events), checked by the caller's own contract. */
  event?(payload: unknown): void;
  /** How long Ctrl-C waits for the worker to clean up before killing it (default 3 s). */
  killGraceMs?: number;
}

const ProgressLine = z.object({ message: z.string(), done: z.number().optional(), total: z.number().optional() });
const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** How a worker's field failed its contract, named by worker, side and path. */
function contractProblem(worker: string, side: string, error: z.ZodError): string {
  const first = error.issues[0];
  return (
    `${worker} worker ${side} does not match its contract: ${first.path.join('.') || '(top level)'}: ${first.message}` +
    (error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '')
  );
}

/** The command line that runs a worker module: `python -m zooforge.workers.<module>`. */
export function workerArgv(module: string, inPath: string, outPath: string): string[] {
  return ['-m', `zooforge.workers.${module}`, '--input-json', inPath, '--output-json', outPath];
}

/** The zooforge package's import root first on PYTHONPATH, ahead of whatever the user had there. */
export function workerEnv(): Record<string, string> {
  const path = [PYTHON_ROOT, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  return { PYTHONPATH: path, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
}

export class PythonEnv {
  constructor(
    readonly executable: string,
    readonly versions: ToolVersions,
  ) {}

  /** Run a worker with the JSON-file protocol; input and output are checked against its contract on this side too.
   *  `launch` starts it elsewhere (e.g. the toolchain's Python in docker); default: this interpreter. */
  async runWorker<W extends WorkerContract>(
    contract: W,
    input: WorkerInput<W>,
    io: WorkerIo,
    launch?: (args: string[]) => string[],
  ): Promise<WorkerOutput<W>> {
    const worker = contract.name;
    const checked = contract.input.safeParse(input);
    // TypeScript built this input: a mismatch is a bug in zooforge, not the user's
    if (!checked.success) throw new Error(contractProblem(worker, 'input', checked.error));
    const inPath = join(io.workDir, `.${worker}-input.json`);
    const outPath = join(io.workDir, `.${worker}-output.json`);
    await writeFile(inPath, JSON.stringify(checked.data, null, 2));
    const [exe, ...args] = (launch ?? ((a) => [this.executable, ...a]))(workerArgv(worker, inPath, outPath));
    const run = await runLogged(exe, args, {
      // run here, a worker dies with this process (zooforge/protocol/worker.py die_with_parent); elsewhere its parent is another
      cwd: io.workDir,
      logFile: io.logFile,
      signal: io.signal,
      command: io.command,
      killGraceMs: io.killGraceMs,
      env: launch ? workerEnv() : { ...workerEnv(), ZOOFORGE_WORKER_PARENT: String(process.pid) },
      onLine: (line) => {
        if (line.startsWith(PROTOCOL.progress)) {
          const p = ProgressLine.safeParse(safeJson(line.slice(PROTOCOL.progress.length)));
          if (!p.success) return false; // not ours (a user module printing the prefix): an ordinary log line
          io.progress?.(p.data.message, p.data.done, p.data.total);
          return true;
        }
        if (line.startsWith(PROTOCOL.event) && io.event) {
          io.event(safeJson(line.slice(PROTOCOL.event.length)));
          return true;
        }
        if (line.startsWith(PROTOCOL.warn)) {
          io.warn?.(line.slice(PROTOCOL.warn.length));
          return true;
        }
        return false;
      },
    });
    if (run.exitCode !== 0) {
      const errLine = [...run.tail].reverse().find((l) => /^zooforge: |Error|error:/.test(l));
      throw new StageFailedError(
        `${worker} worker ${run.notFound ? `could not start: ${exe} not found` : `exited ${run.exitCode}`}${errLine ? `: ${errLine.replace(/^zooforge: /, '')}` : ''}`,
        run.tail.slice(-15).join('\n'),
      );
    }
    const parsed = contract.output.safeParse(JSON.parse(await readFile(outPath, 'utf8')));
    if (!parsed.success) throw new StageFailedError(contractProblem(worker, 'output', parsed.error));
    return parsed.data as WorkerOutput<W>; // parsed by this very contract
  }
}

async function probe(executable: string): Promise<ToolVersions | string> {
  if (!existsSync(executable) && executable.includes('/')) return 'not found';
  const r = await execa(executable, ['-m', 'zooforge.workers.versions'], {
    reject: false,
    timeout: 60_000,
    env: workerEnv(),
  });
  if (r.exitCode !== 0) return (r.stderr || r.stdout || `exit ${r.exitCode}`).split('\n').slice(-1)[0];
  const versions = ToolVersions.safeParse(safeJson(r.stdout));
  if (!versions.success) return `its version report does not match the tool list: ${versions.error.issues[0]?.message}`;
  return versions.data.torch ? versions.data : 'has no torch';
}

/** recipe `python:`, then ZOOFORGE_PYTHON, then the venv `zooforge setup` builds (paths.ts VENV_DIR); the error lists what was tried and why. */
export async function resolvePython(fromRecipe?: string): Promise<PythonEnv> {
  const candidates: [string, string][] = [];
  if (fromRecipe) candidates.push(['recipe python:', fromRecipe]);
  if (process.env.ZOOFORGE_PYTHON) candidates.push(['ZOOFORGE_PYTHON', process.env.ZOOFORGE_PYTHON]);
  candidates.push(['zooforge venv', VENV_PYTHON]);
  const tried: string[] = [];
  for (const [origin, exe] of candidates) {
    const result = await probe(exe);
    if (typeof result !== 'string') return new PythonEnv(exe, result);
    tried.push(`  ${origin} ${exe}: ${result}`);
    if (origin !== 'zooforge venv') break; // an explicit choice that fails is an error, not a silent fallback
  }
  throw new UserInputError(
    `no usable Python interpreter (needs torch, onnx, onnxruntime):\n${tried.join('\n')}\n` +
      `Run 'zooforge setup' (in a checkout: npm run setup) to build it, or set ZOOFORGE_PYTHON / the recipe's python: field.`,
  );
}
