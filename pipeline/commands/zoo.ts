import { dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { UserInputError } from '../errors.ts';
import { recipeFromHbConfig } from '../horizon/import.ts';
import { readHbConfig } from '../horizon/read.ts';
import { mdTable, num, pct } from '../report/format.ts';
import { outPath } from '../tools/out-path.ts';
import { shCommand } from '../tools/shell.ts';
import { writeNewFile } from '../tools/write-new-file.ts';
import { findModel, loadCatalog, sourceText, ZOO_DIR, type ZooEntry } from '../zoo/catalog.ts';

/** `zooforge zoo list [--json]`: the catalog as a table. */
export function zooListCommand(json: boolean): number {
  const c = loadCatalog();
  if (json) {
    process.stdout.write(`${JSON.stringify(c.models)}\n`);
    return 0;
  }
  process.stdout.write(
    `${c.zoo}, figures on the ${c.board}:\n\n${mdTable(
      ['model', 'source', 'params (M)', 'float Top-1', 'quant Top-1', 'board FPS', 'hb_mapper config'],
      c.models.map((m) => [
        m.model,
        sourceText(m),
        num(m.params_M),
        pct(m.float_top1),
        pct(m.quant_top1),
        num(m.fps),
        m.config ?? '—',
      ]),
    )}\n`,
  );
  return 0;
}

/** The recipe `zoo new` (and `zoo run`) writes, as text with its comments. */
export function zooRecipe(m: ZooEntry, recipeDir: string, notes: string[]): string {
  if (!m.source)
    throw new UserInputError(
      `zoo new ${m.model}: the zoo names no public source for it (${m.source_note ?? 'none'}); write model.source by hand`,
    );
  const [h, w] = m.size.split('x').map(Number);
  const hb = m.config
    ? recipeFromHbConfig(
        readHbConfig(join(ZOO_DIR, 'hb', m.config), (x) => notes.push(x)),
        join(ZOO_DIR, 'hb', m.config),
        recipeDir,
        notes,
      )
    : undefined;
  if (!m.config) notes.push(`the zoo ships no hb_mapper config for ${m.model}: quantize uses zooforge's defaults`);
  const quantize: Record<string, unknown> = hb ? hb.quantize : { backend: 'auto' };
  const reference = Object.fromEntries(
    Object.entries({
      source: 'zoo, RDK X5 board',
      size: m.size,
      categories: m.categories,
      params_M: m.params_M,
      float_top1: m.float_top1,
      quant_top1: m.quant_top1,
      latency_1thread_ms: m.latency_1thread_ms,
      latency_multithread_ms: m.latency_multithread_ms,
      fps: m.fps,
    }).filter(([, v]) => v !== null),
  );
  const section = (key: string, value: unknown): string => stringify({ [key]: value }, { lineWidth: 0 });
  return [
    '# yaml-language-server: $schema=recipe.schema.json',
    `# ${m.model} from the D-Robotics RDK X5 classification zoo (${m.family}), regenerated from ${sourceText(m)}.`,
    "# Written by `zooforge zoo new`. Preprocessing (resize, crop, interpolation, mean/std) comes from the model's own",
    "# pretrained config (timm pretrained_cfg) unless set under preprocess:. The zoo's published figures are under",
    "# reference: and the report shows them beside this run's.",
    section('model', { name: m.model, source: m.source, pretrained: true, reparameterize: 'auto' }).trimEnd(),
    '# pretrained: the hub weights (needs network access); --set model.pretrained=false exports random weights offline.',
    '# reparameterize: auto fuses training-time branches (RepVGG, MobileOne, FastViT, RepViT, RepGhost) as the zoo deploys them.',
    `input:\n  shape: [1, 3, ${h}, ${w}]  # the zoo's ${m.size}`,
    '# calibration: the zoo calibrates on ~100 ImageNet images; point calibration.dataset at such a folder, e.g.',
    '#   calibration: {dataset: {folder: {path: imagenet/val_subset}}}',
    '# evaluate: likewise evaluate.dataset (folder + labels) for float vs quantized Top-1.',
    ...(hb ? [`# quantize: the zoo's hb_mapper groups (${m.config}), node_info/int16 choices included.`] : []),
    section('quantize', quantize).trimEnd(),
    section('reference', reference).trimEnd(),
    '',
  ].join('\n');
}

/** `zooforge zoo new <Model> [--out FILE]`: a complete recipe for a zoo model (default yaml/<model>.yaml). */
export function zooNewCommand(name: string | undefined, out: string | undefined, overwrite: boolean): number {
  if (!name)
    throw new UserInputError(
      'zoo new: name a zoo model, e.g. zooforge zoo new RepVGG_A0 (zooforge zoo list shows them)',
    );
  const m = findModel(name);
  const target = out ? outPath(out) : resolve(join('yaml', `${m.model.toLowerCase()}.yaml`));
  const notes: string[] = [];
  const text = zooRecipe(m, dirname(target), notes);
  writeNewFile(target, text, 'zoo new', overwrite);
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  const shown = relative(process.cwd(), target) || target;
  // the suggested command is for pasting into a shell: the path is quoted as one
  process.stderr.write(`wrote ${shown}; next: ${shCommand(['zooforge', 'run', shown])}\n`);
  return 0;
}
