import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { StageFailedError, UserInputError } from '../errors.ts';
import { runLogged } from './run-logged.ts';
import { SCRIPTS_DIR, VENV_PYTHON } from '../paths.ts';

export type ToolVersions = Record<string, string | null>;

export interface WorkerIo {
  workDir: string;
  logFile: string;
  signal: AbortSignal;
  progress?(message: string, done?: number, total?: number): void;
  warn?(message: string): void;
  command?(cmd: string): void;
}

const PROGRESS = '##zf-progress ';
const ProgressLine = z.object({ message: z.string(), done: z.number().optional(), total: z.number().optional() });
const safeJson = (text: string): unknown => { try { return JSON.parse(text); } catch { return undefined; } };
const WARN = '##zf-warn ';

export class PythonEnv {
  constructor(readonly executable: string, readonly versions: ToolVersions) {}

  /** Run scripts/<script> with the JSON-file protocol; its output is validated by `schema`. `launch` starts it
   *  elsewhere (e.g. the toolchain's Python in docker); default: this interpreter. */
  async runWorker<T>(script: string, input: unknown, schema: z.ZodType<T>, io: WorkerIo, launch?: (args: string[]) => string[]): Promise<T> {
    const name = script.replace(/\.py$/, '');
    const inPath = join(io.workDir, `.${name}-input.json`);
    const outPath = join(io.workDir, `.${name}-output.json`);
    await writeFile(inPath, JSON.stringify(input, null, 2));
    const [exe, ...args] = (launch ?? ((a) => [this.executable, ...a]))([join(SCRIPTS_DIR, script), '--input-json', inPath, '--output-json', outPath]);
    const run = await runLogged(exe, args, {
      cwd: io.workDir, logFile: io.logFile, signal: io.signal, command: io.command,
      env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      onLine: (line) => {
        if (line.startsWith(PROGRESS)) {
          const p = ProgressLine.safeParse(safeJson(line.slice(PROGRESS.length)));
          if (!p.success) return false; // not ours (a user module printing the prefix): an ordinary log line
          io.progress?.(p.data.message, p.data.done, p.data.total);
          return true;
        }
        if (line.startsWith(WARN)) {
          io.warn?.(line.slice(WARN.length));
          return true;
        }
        return false;
      },
    });
    if (run.exitCode !== 0) {
      const errLine = [...run.tail].reverse().find((l) => /^zooforge: |Error|error:/.test(l));
      throw new StageFailedError(`${script} ${run.notFound ? `could not start: ${exe} not found` : `exited ${run.exitCode}`}${errLine ? `: ${errLine.replace(/^zooforge: /, '')}` : ''}`,
        run.tail.slice(-15).join('\n'));
    }
    const raw: unknown = JSON.parse(await readFile(outPath, 'utf8'));
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new StageFailedError(`${script} wrote output that does not match its contract: ${parsed.error.message}`);
    return parsed.data;
  }
}

async function probe(executable: string): Promise<ToolVersions | string> {
  if (!existsSync(executable) && executable.includes('/')) return 'not found';
  const r = await execa(executable, [join(SCRIPTS_DIR, 'versions.py')], { reject: false, timeout: 60_000 });
  if (r.exitCode !== 0) return (r.stderr || r.stdout || `exit ${r.exitCode}`).split('\n').slice(-1)[0];
  const versions = JSON.parse(r.stdout) as ToolVersions;
  return versions.torch ? versions : 'has no torch';
}

/** recipe `python:`, then ZOOFORGE_PYTHON, then the project venv; the error lists what was tried and why. */
export async function resolvePython(fromRecipe?: string): Promise<PythonEnv> {
  const candidates: [string, string][] = [];
  if (fromRecipe) candidates.push(['recipe python:', fromRecipe]);
  if (process.env.ZOOFORGE_PYTHON) candidates.push(['ZOOFORGE_PYTHON', process.env.ZOOFORGE_PYTHON]);
  candidates.push(['project venv', VENV_PYTHON]);
  const tried: string[] = [];
  for (const [origin, exe] of candidates) {
    const result = await probe(exe);
    if (typeof result !== 'string') return new PythonEnv(exe, result);
    tried.push(`  ${origin} ${exe}: ${result}`);
    if (origin !== 'project venv') break; // an explicit choice that fails is an error, not a silent fallback
  }
  throw new UserInputError(`no usable Python interpreter (needs torch, onnx, onnxruntime):\n${tried.join('\n')}\n` +
    'Run scripts/setup.sh (npm run setup) to build .venv, or set ZOOFORGE_PYTHON / the recipe\'s python: field.');
}
