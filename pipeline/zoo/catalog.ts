import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserInputError } from '../errors.ts';
import { PROJECT_ROOT } from '../paths.ts';

/** zoo/catalog.json: the RDK X5 classification zoo as published (figures on the board), each model's public
 *  source where there is one, and its hb_mapper config under zoo/hb/. */
const Entry = z
  .object({
    model: z.string(),
    family: z.string(),
    size: z.string(),
    categories: z.number().nullable(),
    params_M: z.number().nullable(),
    float_top1: z.number().nullable(),
    quant_top1: z.number().nullable(),
    latency_1thread_ms: z.number().nullable(),
    latency_multithread_ms: z.number().nullable(),
    fps: z.number().nullable(),
    source: z
      .union([z.object({ timm: z.string() }).strict(), z.object({ torchvision: z.string() }).strict()])
      .nullable(),
    source_note: z.string().optional(),
    /** why our count cannot reach the published Parameter (M), where that was measured (never a per-model bend) */
    params_note: z.string().optional(),
    /** with params_note: the exact count we measured, so a change in the counting is caught, not excused */
    params_ours: z.number().int().optional(),
    config: z.string().nullable(),
  })
  .strict();
export type ZooEntry = z.infer<typeof Entry>;

const Catalog = z.object({ zoo: z.string(), board: z.string(), models: z.array(Entry) }).strict();

export const ZOO_DIR = join(PROJECT_ROOT, 'zoo');

export function loadCatalog(): z.infer<typeof Catalog> {
  return Catalog.parse(JSON.parse(readFileSync(join(ZOO_DIR, 'catalog.json'), 'utf8')));
}

/** A model by its zoo name, case-insensitively; an unknown name lists the close ones. */
export function findModel(name: string): ZooEntry {
  const { models } = loadCatalog();
  const hit = models.find((m) => m.model.toLowerCase() === name.toLowerCase());
  if (hit) return hit;
  const stem = name
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .slice(0, 5);
  const close = models
    .filter((m) =>
      m.model
        .toLowerCase()
        .replace(/[^a-z]/g, '')
        .startsWith(stem),
    )
    .map((m) => m.model);
  throw new UserInputError(
    `zoo: no model ${name} in the catalog${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}; zooforge zoo list shows all ${models.length}`,
  );
}

export const sourceText = (m: ZooEntry): string =>
  m.source ? Object.entries(m.source)[0].join(':') : (m.source_note ?? 'none');
