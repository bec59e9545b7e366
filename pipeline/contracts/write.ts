// npm run contracts: regenerate scripts/zf/contracts/ from the zod contracts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCRIPTS_DIR } from '../paths.ts';
import { contractFiles } from './generate.ts';

const dir = join(SCRIPTS_DIR, 'zf', 'contracts');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.json')) rmSync(join(dir, f));
for (const [name, text] of Object.entries(contractFiles())) writeFileSync(join(dir, name), text);
console.log(`wrote ${Object.keys(contractFiles()).length} files to ${dir}`);
