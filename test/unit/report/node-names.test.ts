import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

describe("the report's node names line", () => {
  it('says how many of the recipe names reached this export, how, and which were dropped', () => {
    const count = { exact: 2, hb_mapper: 1, translated: 9, unresolved: 1 };
    const md = renderMarkdown({ ...sample(), node_names: { count, dropped: ['/network.2/ff2/Conv'] } }, 'T');
    expect(md).toContain(
      "Node names (quantize.node_info / run_on_cpu): 13; applied 2 by the same name, 1 as the node hb_mapper makes it from, 9 translated to this export's names; dropped (quantize.unresolved_nodes: drop): /network.2/ff2/Conv. Each name, what it became and why: node_names/node_names.json.",
    );
  });

  it('is absent when the recipe names no nodes', () => {
    expect(renderMarkdown(sample(), 'T')).not.toContain('Node names (');
  });
});
