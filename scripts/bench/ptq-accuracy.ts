// npm run bench:ptq-accuracy — the Fashion-MNIST network quantized by us (ort backend, the demo recipe) and by
// PyTorch's own FX post-training quantization (qnnpack) on the same calibration images; Top-1 of both on the
// 10k test set. Headline ratio = our int8 Top-1 / FX int8 Top-1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';
import type { ReportData } from '../../pipeline/report/model.ts';
import { BENCH_DIR, headline } from './common.ts';

const out = join(BENCH_DIR, 'fashion');
await execa('node', [join(PROJECT_ROOT, 'bin', 'zooforge.js'), 'run', 'yaml/fashion_resnext.yaml', '--out', out, '--plain'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
const ours = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as ReportData;
// Also fully int8 (grouped convs quantized too), the like-for-like comparison with FX, which quantizes every conv.
const outAll = join(BENCH_DIR, 'fashion-all-int8');
await execa('node', [join(PROJECT_ROOT, 'bin', 'zooforge.js'), 'run', 'yaml/fashion_resnext.yaml', '--set', 'quantize.float_op_types=[]', '--out', outAll, '--plain'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
const oursAll = JSON.parse(readFileSync(join(outAll, 'report', 'report.json'), 'utf8')) as ReportData;
const fx = JSON.parse((await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'scripts', 'bench', 'fx_ptq.py'), out, join(PROJECT_ROOT, 'yaml', 'models', 'fashion_resnext.pt')])).stdout) as
  { fx_int8_top1: number; torch_float_top1: number; calibration_images: number };

console.log(`calibration images (both): ${fx.calibration_images} chosen by our calibration stage (${ours.calibration?.samples} used for ranges, the rest held out for the method search)`);
console.log(`float Top-1: ONNX (ours) ${ours.float!.top1.toFixed(2)} %, torch ${fx.torch_float_top1.toFixed(2)} %`);
console.log(`int8 Top-1:  ours ${ours.quant!.top1.toFixed(2)} % (default: grouped convs kept float; ${ours.calibration!.selected}), ours fully int8 ${oursAll.quant!.top1.toFixed(2)} % (${oursAll.calibration!.selected}), PyTorch FX qnnpack ${fx.fx_int8_top1.toFixed(2)} %`);
console.log(`drop vs float: ours ${(ours.float!.top1 - ours.quant!.top1).toFixed(2)} points, FX ${(fx.torch_float_top1 - fx.fx_int8_top1).toFixed(2)} points`);
headline('Fashion-MNIST fully-int8 Top-1 (10k test)', `${oursAll.quant!.top1.toFixed(2)} %`, 'PyTorch FX qnnpack', `${fx.fx_int8_top1.toFixed(2)} %`, oursAll.quant!.top1 / fx.fx_int8_top1);
