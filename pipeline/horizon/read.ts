import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UserInputError } from '../errors.ts';
import { problemsFromZod } from '../recipe/issues.ts';
import { dotted, locate } from '../recipe/locate.ts';
import { HbConfigSchema, type HbConfig } from './schema.ts';

/** An existing hb_mapper makertbin YAML, validated; every problem as file:line:col (exit 2). */
export function readHbConfig(file: string): HbConfig {
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserInputError(`cannot read hb_mapper config ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lines.linePos(e.pos[0]);
    throw new UserInputError(`${shown}:${line}:${col}: not readable YAML: ${e.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS();
  const parsed = HbConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues, raw).map((p) => `${shown}:${locate(doc, lines, p.path, p.atKey)}: ${dotted(p.path) || '(top level)'}: ${p.message}`);
    throw new UserInputError(`${shown}: not an hb_mapper makertbin config:\n${problems.join('\n')}`, problems);
  }
  return parsed.data;
}
