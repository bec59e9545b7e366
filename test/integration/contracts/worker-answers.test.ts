import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkerInput } from '../../../pipeline/contracts/workers.ts';
import { perfWorker } from '../../../pipeline/stages/perf.ts';
import { PythonEnv } from '../../../pipeline/tools/python.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('worker contracts', () => {
  /** A stand-in interpreter that answers any worker with `answer` (the real workers are tested end to end). */
  function fakePython(dir: string, answer: unknown): PythonEnv {
    const exe = join(dir, 'python');
    writeFileSync(
      exe,
      `#!/bin/sh\nwhile [ "$1" != "--output-json" ]; do shift; done\ncat > "$2" <<'EOF'\n${JSON.stringify(answer)}\nEOF\n`,
    );
    chmodSync(exe, 0o755);
    return new PythonEnv(exe, {});
  }
  const io = (dir: string) => ({ workDir: dir, logFile: join(dir, 'log'), signal: new AbortController().signal });
  const perfInput = { float_model: 'f', quant_model: 'q', preprocess: 'p', runs: 3, runtime: 'ort' as const };

  it('TypeScript refuses a worker answer that does not match the contract, naming the worker and the field', async () => {
    const dir = tmp('zf-contract-');
    const bad = fakePython(dir, { outputs: {}, host: { cpu: 'x', cores: 'two', runtime: 'ONNX Runtime' } });
    await expect(bad.runWorker(perfWorker, { ...perfInput, work_dir: dir }, io(dir))).rejects.toThrow(
      /^perf worker output does not match its contract: host\.cores: Invalid input: expected number, received string/,
    );
  });

  it('and refuses to send an input that does not match, before any process starts', async () => {
    const dir = tmp('zf-contract-');
    const py = fakePython(dir, {});
    const wrong = { ...perfInput, runs: 'three', work_dir: dir } as unknown as WorkerInput<typeof perfWorker>;
    await expect(py.runWorker(perfWorker, wrong, io(dir))).rejects.toThrow(
      /^perf worker input does not match its contract: runs:/,
    );
  });
});
