// Browser-side chart code inlined into report.html (no CDN, no dependencies): plain SVG from the embedded data.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const NS = 'http://www.w3.org/2000/svg';
  function el(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, anchor) {
    const t = el('text', { x: x, y: y, 'font-size': 11, 'text-anchor': anchor || 'start', fill: '#333' }, parent);
    t.textContent = s;
    return t;
  }
  function frame(id, w, h) {
    const svg = el('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, class: 'chart', 'data-chart': id });
    document.getElementById(id).appendChild(svg);
    return svg;
  }
  // 1. Per-layer cosine over layer order.
  (() => {
    const rows = data.nodes;
    const svg = frame('chart-cosine', 760, 260);
    if (!rows.length) {
      text(svg, 10, 20, 'no per-node data');
      return;
    }
    const worst = Math.min.apply(
      null,
      rows.map((r) => r.cosine),
    );
    const lo = Math.max(0, worst - Math.max((1 - worst) * 0.25, 1e-4)); // zoom to the data: the spread is what matters
    const X = (i) => 50 + i * (690 / Math.max(rows.length - 1, 1));
    const Y = (v) => 20 + (1 - (v - lo) / (1 - lo)) * 200;
    el('line', { x1: 50, y1: 220, x2: 740, y2: 220, stroke: '#999' }, svg);
    el('line', { x1: 50, y1: 20, x2: 50, y2: 220, stroke: '#999' }, svg);
    text(svg, 45, 24, '1.0', 'end');
    text(svg, 45, 222, lo.toFixed(4), 'end');
    text(svg, 395, 250, 'node (graph order)', 'middle');
    el(
      'path',
      {
        d: rows.map((r, i) => `${(i ? 'L' : 'M') + X(i).toFixed(1)} ${Y(r.cosine).toFixed(1)}`).join(' '),
        fill: 'none',
        stroke: '#1f77b4',
        'stroke-width': 1.5,
        class: 'series',
      },
      svg,
    );
    rows.forEach((r, i) => {
      const c = el(
        'circle',
        { cx: X(i), cy: Y(r.cosine), r: 2.5, fill: r.dtype === 'float' ? '#999' : '#1f77b4', class: 'point' },
        svg,
      );
      el('title', {}, c).textContent = `${r.node} (${r.type}): ${r.cosine.toFixed(6)}`;
    });
    // the three least similar nodes named on the chart (every point names itself on hover)
    rows
      .map((r, i) => ({ r: r, i: i }))
      .sort((a, b) => a.r.cosine - b.r.cosine)
      .slice(0, 3)
      .forEach((w, k) => {
        const right = X(w.i) > 500;
        const y = Math.min(Y(w.r.cosine) + 4 - 13 * k, 214); // staggered: neighbours' names do not overlap
        const label = text(svg, X(w.i) + (right ? -6 : 6), y, w.r.node.slice(-40), right ? 'end' : 'start');
        label.setAttribute('class', 'worst');
      });
  })();
  // 2. Calibration histograms of the worst layers (log counts), clip range marked.
  (() => {
    const hs = data.histograms;
    const host = document.getElementById('chart-histograms');
    if (!hs.length) {
      host.textContent = 'no histograms (the max method collects none)';
      return;
    }
    hs.forEach((h, k) => {
      const svg = frame('chart-histograms', 370, 150);
      const max = Math.max.apply(
        null,
        h.counts.map((c) => Math.log10(c + 1)),
      );
      const bw = 340 / h.counts.length;
      h.counts.forEach((c, i) => {
        const hgt = max ? (100 * Math.log10(c + 1)) / max : 0;
        el(
          'rect',
          { x: 20 + i * bw, y: 120 - hgt, width: Math.max(bw - 0.5, 0.5), height: hgt, fill: '#ff7f0e', class: 'bar' },
          svg,
        );
      });
      const clip = Math.max(Math.abs(h.range[0]), Math.abs(h.range[1]));
      const cx = 20 + 340 * Math.min(clip / h.abs_max, 1);
      el('line', { x1: cx, y1: 15, x2: cx, y2: 120, stroke: '#d62728', 'stroke-dasharray': '4 2' }, svg);
      text(svg, 20, 12, `${k + 1}. ${h.node.slice(0, 48)}  cos ${h.cosine.toFixed(4)}`);
      text(svg, 20, 138, '0');
      text(svg, 360, 138, `|x| ${h.abs_max.toPrecision(3)}`, 'end');
      text(svg, cx > 250 ? cx - 3 : cx + 3, 28, `clip ${clip.toPrecision(3)}`, cx > 250 ? 'end' : 'start');
    });
  })();
  // 3. Per-class Top-1 change, int8 - float (the data holds the drop, float - int8): left and red where int8 is worse.
  (() => {
    const rows = data.per_class;
    const svg = frame('chart-classes', 760, 40 + rows.length * 22);
    if (!rows.length) {
      text(svg, 10, 20, 'no evaluation');
      return;
    }
    const m = Math.max(
      0.5,
      Math.max.apply(
        null,
        rows.map((r) => Math.abs(r.drop)),
      ),
    );
    const X0 = 560,
      S = 170 / m;
    el('line', { x1: X0, y1: 10, x2: X0, y2: 20 + rows.length * 22, stroke: '#999' }, svg);
    rows.forEach((r, i) => {
      const y = 15 + i * 22;
      text(svg, 150, y + 12, r.class.slice(0, 24), 'end');
      const change = -r.drop;
      const w = Math.abs(change) * S;
      el(
        'rect',
        {
          x: change < 0 ? X0 - w : X0,
          y: y,
          width: Math.max(w, 1),
          height: 15,
          fill: change < 0 ? '#d62728' : '#2ca02c',
          class: 'bar',
        },
        svg,
      );
      text(svg, 160, y + 12, `float ${r.float.toFixed(2)} / int8 ${r.quant.toFixed(2)}`);
      text(
        svg,
        change < 0 ? X0 - w - 4 : X0 + w + 4,
        y + 12,
        `drop ${r.drop.toFixed(2)}`,
        change < 0 ? 'end' : 'start',
      );
    });
  })();
  // 4. Per-layer sensitivity ranking (when measured).
  (() => {
    const rows = data.sensitivity || [];
    const host = document.getElementById('chart-sensitivity');
    if (!rows.length) {
      host.textContent = 'not measured (zooforge sensitivity <recipe>)';
      return;
    }
    const svg = frame('chart-sensitivity', 760, 20 + rows.length * 20);
    const m = Math.max.apply(
      null,
      rows.map((r) => r.single_sqnr_db),
    );
    rows.forEach((r, i) => {
      const y = 10 + i * 20,
        w = (420 * Math.max(r.single_sqnr_db, 0)) / m;
      text(svg, 250, y + 12, `${r.rank}. ${r.node.slice(-36)}`, 'end');
      el('rect', { x: 260, y: y, width: Math.max(w, 1), height: 14, fill: '#9467bd', class: 'bar' }, svg);
      text(svg, 265 + w, y + 12, `${r.single_sqnr_db.toFixed(1)} dB, top-1 drop ${r.single_top1_drop.toFixed(2)}`);
    });
  })();
  document.body.setAttribute('data-charts-drawn', String(document.querySelectorAll('svg.chart').length));
})();
