// npm run bench:int8-speed — single-thread ORT latency of ResNeXt50_32x4d: fp32 vs our int8 (U8S8, per-channel),
// and int8 with the grouped 3x3 convolutions kept float (quantize.float_op_types: [GroupedConv]).
// Calibration: 32 Fashion-MNIST images through the ResNeXt preprocessing (the only real images here).
// Headline ratio = fp32 latency / int8 latency.
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import { headline, resnext50 } from './common.ts';

const base = ['calibration.dataset={fashion_mnist: {split: train}}', 'calibration.count=32', 'quantize.calibration_type=max', 'quantize.per_channel=true', 'evaluate.perf_runs=0'];
const allInt8 = await resnext50([...base, 'quantize.float_op_types=[]'], 'quantize'); // explicit: the default keeps grouped convs float
const fp32 = join(allInt8, 'simplify', 'model.onnx');
const int8 = join(allInt8, 'quantize', 'model_int8.onnx');
const { cp } = await import('node:fs/promises');
await cp(int8, join(allInt8, '..', 'int8_all.onnx'));
const grouped = await resnext50([...base, 'quantize.float_op_types=[GroupedConv]'], 'quantize');
const int8Grouped = join(grouped, 'quantize', 'model_int8.onnx');

const r = await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'scripts', 'bench', 'int8_latency.py'), '5', '10',
  `fp32=${fp32}`, `int8=${join(allInt8, '..', 'int8_all.onnx')}`, `int8_grouped_float=${int8Grouped}`]);
const ms = JSON.parse(r.stdout) as Record<string, number>;
for (const [k, v] of Object.entries(ms)) console.log(`${k.padEnd(20)} ${v.toFixed(1)} ms (speed-up vs fp32 ${(ms.fp32 / v).toFixed(2)}x)`);
const best = ms.int8_grouped_float < ms.int8 ? 'int8_grouped_float' : 'int8';
console.log(`faster int8 variant on this CPU: ${best}`);
headline('ResNeXt50 single-thread latency', `${ms[best].toFixed(1)} ms (${best})`, 'ORT fp32', `${ms.fp32.toFixed(1)} ms`, ms.fp32 / ms[best]);
