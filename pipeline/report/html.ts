import { chartsScript } from './charts.ts';
import { anchor, type Block, type Inline, reportDocument } from './document.ts';
import type { ReportData } from './model.ts';

/** Text and attribute values: a file name with a quote must not end an attribute (alt="…"). */
const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const inline = (part: Inline): string =>
  typeof part === 'string'
    ? esc(part)
    : 'code' in part
      ? `<code>${esc(part.code)}</code>`
      : `<strong>${esc(part.strong)}</strong>`;
/** Table cells that hold a cache key are written `key` (code) in the document. */
const cell = (c: string): string => (/^`[^`]+`$/.test(c) ? `<code>${esc(c.slice(1, -1))}</code>` : esc(c));

/** A thumbnail as a data: URI (the report is one self-contained file), given its path relative to the run. */
export type ThumbReader = (relPath: string) => string | undefined;

function imagesHtml(rows: ReportData['images'], total: number, thumb: ThumbReader): string {
  const guesses = (g: { class: number; name: string; p: number }[], label: number | null): string =>
    `<ol>${g.map((x) => `<li${x.class === label ? ' class="right"' : ''}>${esc(x.name)} <small>${(x.p * 100).toFixed(1)}%</small></li>`).join('')}</ol>`;
  const count = total > rows.length ? `${total} images; ${rows.length} shown` : `${rows.length} image(s)`;
  return `<details><summary>${count}: thumbnails with both models' top-5</summary><div class="images">${rows
    .map((r) => {
      const src = r.thumb ? thumb(r.thumb) : undefined;
      return (
        `<figure class="image"><div class="thumb">${src ? `<img alt="${esc(r.file)}" src="${src}">` : ''}</div><figcaption><b>${esc(r.file.split('/').pop() ?? r.file)}</b>` +
        ` — ${esc(r.kind)}; label: ${esc(r.label_name ?? 'none')}; output cosine ${r.cosine.toFixed(4)}<div class="guesses"><div>float${guesses(r.float_top5, r.label)}</div>` +
        `<div>int8${guesses(r.quant_top5, r.label)}</div></div></figcaption></figure>`
      );
    })
    .join('')}</div></details>`;
}

function blockHtml(b: Block, thumb: ThumbReader): string {
  if (b.kind === 'heading') return `<h${b.level} id="${anchor(b.text)}">${esc(b.text)}</h${b.level}>`;
  if (b.kind === 'charts')
    return b.charts.map((c) => `<h3>${esc(c.title)}</h3><div class="charts" id="${c.id}"></div>`).join('\n');
  if (b.kind === 'toc')
    return `<nav><b>Contents</b>: ${b.entries.map((e) => `<a href="#${anchor(e)}">${esc(e)}</a>`).join(' · ')}</nav>`;
  if (b.kind === 'para') return `<p>${b.parts.map(inline).join('')}</p>`;
  if (b.kind === 'code') return `<pre>${esc(b.text)}</pre>`;
  if (b.kind === 'images') return imagesHtml(b.rows, b.total, thumb);
  return `<table><thead><tr>${b.header.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}
pre{background:#f7f7f7;padding:.6em;overflow:auto}code{background:#f1f1f1;padding:0 3px}.charts svg{margin:4px;border:1px solid #eee}
.images{display:flex;flex-wrap:wrap;gap:10px}.image{display:flex;gap:8px;margin:0;border:1px solid #ddd;padding:6px;width:520px}
.thumb{width:112px;flex:none}.guesses{display:flex;gap:12px}.guesses ol{margin:2px 0;padding-left:18px}.right{font-weight:bold;color:#070}`;

export function renderHtml(d: ReportData, title: string, thumb: ThumbReader = () => undefined): string {
  const data = JSON.stringify({
    nodes: d.nodes,
    histograms: d.histograms,
    per_class: d.per_class,
    sensitivity: d.sensitivity.slice(0, 20),
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${reportDocument(d, title)
  .map((b) => blockHtml(b, thumb))
  .join('\n')}
<script type="application/json" id="report-data">${data}</script>
<script>${chartsScript()}</script>
</body></html>
`;
}
