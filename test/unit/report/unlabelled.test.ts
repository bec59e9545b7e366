import { expect, it } from 'vitest';
import { headline } from '../../../pipeline/report/document.ts';
import { renderMarkdown } from '../../../pipeline/report/markdown.ts';
import { sample } from '../../helpers/report-sample.ts';

// Issue 23.3: what a set without labels (or with some) says in the headline and report.md.
const unlabelled = () => ({
  ...sample(),
  labelled: 0,
  float: null,
  quant: null,
  flips: null,
  drop: null,
  mcnemar_p: null,
  per_class: [],
});

it('no labels: the headline gives agreement with float, not a drop; report.md says why Top-1 is missing', () => {
  const said = headline(unlabelled());
  expect(said).toContain('float n/a %, int8 n/a % on 300 unlabelled images');
  expect(said).toContain(
    "int8 top-1 agrees with float on 98.00 % of 300 images (95 % CI 95.70 to 99.10); float's top-1 is in int8's top-5 on 100.00 %",
  );
  const md = renderMarkdown(unlabelled(), 'T');
  expect(md).toContain('No image of the evaluation set has a label, so Top-1 is not measured');
  expect(md).toMatch(
    /\| 300 images \| 98\.00 \| 95\.70–99\.10 \| 100\.00 \| 98\.70–100\.00 \| 0\.999000 \| 0\.002000 \|/,
  );
  expect(md).not.toMatch(/Top-1 drop -?\d+\.\d+ points/); // the paired drop sentence
});

it('some labels: Top-1 counts the labelled images and says how many; agreement counts all', () => {
  const partly = { ...sample(), labelled: 120 };
  expect(headline(partly)).toContain('% on 120 labelled of 300 images');
  expect(renderMarkdown(partly, 'T')).toContain(
    '120 of the 300 images have a label: Top-1, the flips and per class count those; agreement counts all.',
  );
});
