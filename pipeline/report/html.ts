import { CHARTS_JS } from './charts.js.ts';
import { renderMarkdown } from './markdown.ts';
import type { ReportData } from './model.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Our Markdown's own escaping (mdText/mdCell) undone, then escaped once for HTML. */
const fromMd = (s: string): string => esc(s.replace(/\\\|/g, '|').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));

/** Minimal Markdown (tables, headings, code, paragraphs) to HTML: enough for our own report text. */
function mdToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('```')) {
      const fence = l.match(/^`+/)![0];
      const code: string[] = [];
      while (++i < lines.length && lines[i] !== fence) code.push(lines[i]);
      out.push(`<pre>${esc(code.join('\n'))}</pre>`);
    } else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) if (!/^\|(-+\|)+$/.test(lines[i])) rows.push(lines[i].slice(1, -1).split(/ (?<!\\)\| /).map((c) => c.trim()));
      i--;
      out.push(`<table><thead><tr>${rows[0].map((c) => `<th>${fromMd(c)}</th>`).join('')}</tr></thead><tbody>${rows.slice(1).map((r) => `<tr>${r.map((c) => `<td>${fromMd(c).replace(/`([^`]+)`/g, '<code>$1</code>')}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    } else if (l.startsWith('#')) {
      const level = l.match(/^#+/)![0].length;
      out.push(`<h${level}>${fromMd(l.slice(level).trim())}</h${level}>`);
    } else if (l.trim()) out.push(`<p>${fromMd(l).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`);
  }
  return out.join('\n');
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}
pre{background:#f7f7f7;padding:.6em;overflow:auto}code{background:#f1f1f1;padding:0 3px}.charts svg{margin:4px;border:1px solid #eee}`;

export function renderHtml(d: ReportData, title: string): string {
  const data = JSON.stringify({ nodes: d.nodes, histograms: d.histograms, per_class: d.per_class, sensitivity: d.sensitivity.slice(0, 20) }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${mdToHtml(renderMarkdown(d, title))}
<h2>Charts</h2>
<h3>Per-node output cosine, in graph order (grey: kept float)</h3><div class="charts" id="chart-cosine"></div>
<h3>Calibration histograms of the worst nodes (|x|, log counts; dashed: clip threshold)</h3><div class="charts" id="chart-histograms"></div>
<h3>Per-class Top-1 change, int8 − float (points)</h3><div class="charts" id="chart-classes"></div>
<h3>Per-layer sensitivity: output SQNR with only that node int8 (dB, lower = more sensitive)</h3><div class="charts" id="chart-sensitivity"></div>
<script type="application/json" id="report-data">${data}</script>
<script>${CHARTS_JS}</script>
</body></html>
`;
}
