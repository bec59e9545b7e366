// Writes yaml/zoo/catalog.json from the RDK X5 classification zoo's published table (../shared/fixtures/zoo/
// catalog.tsv) and the zoo's hb_mapper configs (copied to yaml/zoo/hb/). Run once per zoo release:
//   node --import tsx scripts/zoo/catalog-from-fixtures.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, SHARED_DIR } from '../../pipeline/paths.ts';

const rows = readFileSync(join(SHARED_DIR, 'fixtures', 'zoo', 'catalog.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
const [header, ...data] = rows;
const configs = readdirSync(join(PROJECT_ROOT, 'yaml', 'zoo', 'hb'));
const norm = (s: string): string => s.toLowerCase().replace(/(_config)?\.ya?ml$/, '').replace(/_conv_/, '_').replace(/_large_100$/, '');
const num = (s: string): number | null => (s === '' || s === 'n/a' ? null : Number(s));

const models = data.map((cells) => {
  const r = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  const [kind, name] = r.source.includes(':') ? r.source.split(/:(.*)/s) : ['none', ''];
  const config = configs.find((f) => norm(f) === norm(r.model)) ?? null;
  return {
    model: r.model, family: r.family, size: r.size, categories: num(r.categories), params_M: num(r.params_M),
    float_top1: num(r.float_top1), quant_top1: num(r.quant_top1),
    latency_1thread_ms: num(r.latency_1thread_ms), latency_multithread_ms: num(r.latency_multithread_ms), fps: num(r.fps),
    source: kind === 'timm' || kind === 'torchvision' ? { [kind]: name.trim() } : null,
    source_note: kind === 'timm' || kind === 'torchvision' ? undefined : r.source,
    config,
  };
});
const out = join(PROJECT_ROOT, 'yaml', 'zoo', 'catalog.json');
writeFileSync(out, `${JSON.stringify({ zoo: 'D-Robotics RDK X5 classification model zoo', board: 'RDK X5 (bayes-e)', models }, null, 2)}\n`);
console.log(`wrote ${out}: ${models.length} models, ${models.filter((m) => m.config).length} with an hb_mapper config, ${models.filter((m) => m.source).length} with a public source`);
