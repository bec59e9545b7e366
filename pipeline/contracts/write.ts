// npm run contracts: regenerate the workers' JSON Schemas (zooforge/protocol/contracts/) from the zod contracts, and
// pipeline/stages/order.ts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS_DIR, PROJECT_ROOT } from '../paths.ts';
import { contractFiles, orderFile } from './generate.ts';

const dir = CONTRACTS_DIR;
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.json')) rmSync(join(dir, f));
for (const [name, text] of Object.entries(contractFiles())) writeFileSync(join(dir, name), text);
writeFileSync(join(PROJECT_ROOT, 'pipeline', 'stages', 'order.ts'), orderFile());
console.log(`wrote ${Object.keys(contractFiles()).length} files to ${dir}, and pipeline/stages/order.ts`);
