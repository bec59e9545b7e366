import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensured } from '../errors.ts';

/** Files a dotted module name can be, below one root: a/b.py or a/b/__init__.py, plus the packages on the way. */
function moduleFiles(root: string, dotted: string): string[] {
  const parts = dotted.split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) {
    const init = join(root, ...parts.slice(0, i), '__init__.py');
    if (existsSync(init)) out.push(init);
  }
  const file = `${join(root, ...parts)}.py`;
  const pkg = join(root, ...parts, '__init__.py');
  if (parts.length > 0 && existsSync(file)) out.push(file);
  else if (parts.length > 0 && existsSync(pkg)) out.push(pkg);
  return out;
}

/** The module names one Python file imports, each with the folders it is looked up in. Statically: an import
 *  built at run time (importlib with a computed name) is not seen. */
function importsOf(file: string, roots: readonly string[]): { roots: readonly string[]; name: string }[] {
  const text = readFileSync(file, 'utf8').replace(/\(\s*([^)]*?)\s*\)/gs, (_m, inner: string) =>
    inner.replace(/\s+/g, ' '),
  );
  const found: { roots: readonly string[]; name: string }[] = [];
  const names = (list: string): string[] =>
    list
      .split(',')
      .map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)[0]
          .trim(),
      )
      .filter((n) => /^[\w.]+$/.test(n));
  for (const line of text.split('\n')) {
    const plain = line.match(/^\s*import\s+([\w.,\s]+?)\s*(?:#.*)?$/);
    if (plain) for (const n of names(plain[1])) found.push({ roots, name: n });
    const from = line.match(/^\s*from\s+(\.*)([\w.]*)\s+import\s+(.+?)\s*(?:#.*)?$/);
    if (!from) continue;
    const [, dots, base, what] = from;
    let where = roots;
    if (dots.length > 0) {
      let dir = dirname(file);
      for (let i = 1; i < dots.length; i++) dir = dirname(dir);
      where = [dir];
    }
    if (base) found.push({ roots: where, name: base });
    for (const n of names(what)) found.push({ roots: where, name: base ? `${base}.${n}` : n }); // `from pkg import submodule`
  }
  return found;
}

/** Every local Python file `file` reads through imports, transitively: modules found below `roots` (the folders
 *  on its sys.path that belong to the project or the user, never site-packages). Sorted, `file` excluded. */
export function localImports(file: string, roots: readonly string[]): string[] {
  const seen = new Set<string>([resolve(file)]);
  const queue = [resolve(file)];
  while (queue.length > 0) {
    const current = ensured(queue.pop(), 'queued module');
    for (const imp of importsOf(current, roots)) {
      for (const root of imp.roots) {
        for (const f of moduleFiles(root, imp.name)) {
          if (!seen.has(f)) {
            seen.add(f);
            queue.push(f);
          }
        }
      }
    }
  }
  seen.delete(resolve(file));
  return [...seen].sort();
}
