import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../pipeline/report/html.ts';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

describe('report.html', () => {
  it('writes hostile image and class names as text, never as markup or an attribute break', () => {
    const file = 'q" onerror="alert(1)<script>.jpg';
    const row = {
      file: `/imgs/${file}`,
      kind: 'float right, int8 wrong',
      label: 1,
      label_name: '<b>cat</b>',
      cosine: 0.9,
      thumb: 'evaluate/thumbs/0000.jpg',
      float_top5: [{ class: 1, name: '<b>cat</b>', p: 0.9 }],
      quant_top5: [{ class: 2, name: 'dog | "x"', p: 0.8 }],
    };
    const html = renderHtml({ ...sample(), images: [row] }, 'T', () => 'data:image/jpeg;base64,AA==');
    expect(html).toContain(
      'alt="/imgs/q&quot; onerror=&quot;alert(1)&lt;script&gt;.jpg" src="data:image/jpeg;base64,AA=="',
    );
    expect(html).not.toContain('onerror="');
    expect(html).not.toContain('<b>cat</b>');
    expect(html).toContain('q&quot; onerror=&quot;alert(1)&lt;script&gt;.jpg');
    const md = renderMarkdown({ ...sample(), images: [row] }, 'T');
    expect(md).toMatch(
      /\| q" onerror="alert\(1\)&lt;script&gt;\.jpg \| float right, int8 wrong \| &lt;b&gt;cat&lt;\/b&gt; \|/,
    );
    expect(md).toContain('dog \\| "x" 80.0%');
  });
});
