import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stage, StageResult } from '../engine/types.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { buildReportData } from '../report/model.ts';

/** Thumbnails are the evaluate stage's files; `evaluate/thumbs/0001.jpg` is read from that stage's folder. */
function thumbReader(upstream: Record<string, StageResult>) {
  return (rel: string): string | undefined => {
    const [stage, ...rest] = rel.split('/');
    const dir = upstream[stage]?.dir;
    const file = dir && join(dir, ...rest);
    return file && existsSync(file) ? `data:image/jpeg;base64,${readFileSync(file).toString('base64')}` : undefined;
  };
}

/** report.md / report.json / report.html from this run's stage results (the same records manifest.json holds). */
export const reportStage: Stage = {
  id: 'report',
  version: 1,
  title: 'Report',
  cacheable: false,
  uncachedBecause: "rebuilt in milliseconds from this run's results",
  inputs({ loaded }) {
    return {
      recipe: { report: loaded.recipe.report, model: loaded.recipe.model.name, reference: loaded.recipe.reference },
      files: {},
      tools: [],
    };
  },
  async run(ctx) {
    const r = ctx.loaded.recipe;
    const title = r.report.title ?? `${r.model.name}: float vs int8`;
    const data = buildReportData(r.model.name, r.quantize.backend, ctx.upstream, ctx.python.versions, r.reference, {
      randomWeights: !r.model.pretrained && !r.model.checkpoint && !('onnx' in r.model.source),
      sameImages:
        r.calibration.dataset !== undefined &&
        JSON.stringify(r.calibration.dataset) === JSON.stringify(r.evaluate.dataset),
    });
    const outputs: Record<string, string> = {};
    const writers = {
      md: () => renderMarkdown(data, title),
      json: () => JSON.stringify(data, null, 2),
      html: () => renderHtml(data, title, thumbReader(ctx.upstream)),
    };
    for (const fmt of r.report.formats) {
      await writeFile(join(ctx.workDir, `report.${fmt}`), writers[fmt]());
      outputs[fmt] = `report.${fmt}`;
    }
    return {
      outputs,
      data: {
        title,
        float_top1: data.float?.top1 ?? null,
        quant_top1: data.quant?.top1 ?? null,
        params: data.params.total,
      },
    };
  },
};
