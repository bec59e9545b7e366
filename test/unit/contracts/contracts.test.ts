import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractFiles, orderFile } from '../../../pipeline/contracts/generate.ts';
import { CONTRACTS_DIR, PROJECT_ROOT } from '../../../pipeline/paths.ts';

const DIR = CONTRACTS_DIR;

describe('worker contracts', () => {
  it('zooforge/protocol/contracts is exactly what pipeline/contracts generates (npm run contracts)', () => {
    const files = contractFiles();
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(DIR, name), 'utf8'), name).toBe(text);
  });

  it('pipeline/stages/order.ts is the ids of STAGES (npm run contracts)', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'pipeline', 'stages', 'order.ts'), 'utf8')).toBe(orderFile());
  });
});
