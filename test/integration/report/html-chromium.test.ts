import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VENV_PYTHON } from '../../../pipeline/paths.ts';
import { renderHtml } from '../../../pipeline/report/html.ts';
import { sample } from '../../helpers/report-sample.ts';
import { tmp } from '../../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';

/** The sample report written to a fresh folder, and headless Chromium's flags for it (no network, its own profile). */
function sampleReport(): { dir: string; file: string; flags: string[] } {
  const dir = tmp('zf-html-');
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(sample(), 'T'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${join(dir, 'profile')}`,
  ];
  return { dir, file, flags };
}

describe('report.html', () => {
  it('draws its charts in headless Chromium, with no network', async () => {
    const { dir, file, flags } = sampleReport();
    const dom = await execa(CHROMIUM, [...flags, '--dump-dom', `file://${file}`], { timeout: 120_000 });
    expect(dom.stdout).toMatch(/data-charts-drawn="4"/); // cosine + one histogram + per-class + sensitivity
    expect((dom.stdout.match(/class="point"/g) ?? []).length).toBe(12);
    expect((dom.stdout.match(/class="bar"/g) ?? []).length).toBe(64 + 3 + 1);
    expect(dom.stdout).toContain('M&lt;script&gt;');
    await execa(
      CHROMIUM,
      [...flags, '--window-size=1100,2200', `--screenshot=${join(dir, 'shot.png')}`, `file://${file}`],
      { timeout: 120_000 },
    );
    // the screenshot is the page as drawn: the requested size, and far more than a blank page's handful of colours
    const shot = await execa(VENV_PYTHON, [
      '-c',
      'import sys; from PIL import Image; im = Image.open(sys.argv[1]).convert("RGB"); print(im.size[0], im.size[1], len(im.getcolors(1 << 24)))',
      join(dir, 'shot.png'),
    ]);
    const [width, height, colours] = shot.stdout.trim().split(' ').map(Number);
    expect([width, height]).toEqual([1100, 2200]);
    expect(colours).toBeGreaterThan(50);
  });

  it('opens on the summary: the verdict, the zoo table and the two key charts fill the first screen (issue 24.10)', async () => {
    const { dir, file, flags } = sampleReport();
    const dom = (await execa(CHROMIUM, [...flags, '--dump-dom', `file://${file}`], { timeout: 120_000 })).stdout;
    const order = ['Summary', 'chart-cosine', 'chart-classes', '<nav>', 'id="float-vs-int8-paired"', 'id="provenance"'];
    const at = order.map((s) => dom.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b)); // in this order, provenance last
    expect((dom.match(/class="worst"/g) ?? []).length).toBe(3); // the least similar nodes named on the chart
    // the first screen (1100x900) as drawn: the cosine series' blue and the per-class bars' red/green are in it
    await execa(
      CHROMIUM,
      [...flags, '--window-size=1100,900', `--screenshot=${join(dir, 'top.png')}`, `file://${file}`],
      {
        timeout: 120_000,
      },
    );
    const counted = await execa(VENV_PYTHON, [
      '-c',
      'import sys; from PIL import Image; c = dict((v, n) for n, v in Image.open(sys.argv[1]).convert("RGB").getcolors(1 << 24)); print(c.get((31, 119, 180), 0), c.get((214, 39, 40), 0) + c.get((44, 160, 44), 0))',
      join(dir, 'top.png'),
    ]);
    const [blue, bars] = counted.stdout.trim().split(' ').map(Number);
    expect(blue).toBeGreaterThan(100);
    expect(bars).toBeGreaterThan(100);
  });
});
