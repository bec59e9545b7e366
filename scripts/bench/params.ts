// npm run bench:params — our TypeScript parameter counter vs the seed's Python loop (onnx.load + product of
// dims) on ResNeXt50_32x4d, in the same run: in-process on both sides (interpreter start-up excluded) and as
// whole processes (what a user waits for). Headline = whole process: Python median / `zooforge params` median.
import { join } from 'node:path';
import { execa } from 'execa';
import { countParams } from '../../pipeline/onnx/params.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { headline, median, resnext50 } from './common.ts';

const REPEATS = 20;
const model = join(await resnext50(), 'simplify', 'model.onnx');

const ours: number[] = [];
let total = 0;
for (let i = 0; i < REPEATS + 3; i++) {
  const t0 = performance.now();
  total = countParams(model).initializerElements; // what the Python loop counts: initializers only
  if (i >= 3) ours.push(performance.now() - t0); // first runs warm the JIT and the page cache
}
const py = JSON.parse(
  (
    await execa(VENV_PYTHON, [
      join(PROJECT_ROOT, 'scripts', 'bench', 'python_param_count.py'),
      model,
      String(REPEATS + 1),
    ])
  ).stdout,
) as { total: number; times_ms: number[] };
if (py.total !== total) throw new Error(`counts differ: ours ${total}, Python ${py.total}`);
const theirs = py.times_ms.slice(1);

const proc = async (cmd: string, args: string[]): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await execa(cmd, args, { cwd: PROJECT_ROOT });
    times.push(performance.now() - t0);
  }
  return median(times);
};
const oursProc = await proc('node', [join(PROJECT_ROOT, 'bin', 'zooforge.js'), 'params', model, '--json']);
const pyProc = await proc(VENV_PYTHON, [join(PROJECT_ROOT, 'scripts', 'bench', 'python_param_count.py'), model, '1']);

console.log(`model: ${model} (${total.toLocaleString('en-US')} parameters, both counters agree)`);
console.log(
  `in-process median of ${REPEATS}: ours ${median(ours).toFixed(3)} ms, Python onnx.load loop ${median(theirs).toFixed(1)} ms (ratio ${(median(theirs) / median(ours)).toFixed(1)}x)`,
);
headline(
  'zooforge params, whole process median',
  `${oursProc.toFixed(0)} ms`,
  'Python onnx.load loop (whole process)',
  `${pyProc.toFixed(0)} ms`,
  pyProc / oursProc,
);
