import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ensured } from '../errors.ts';

/** Where a package's submodules are when not in its own folder (its `__path__`), by dotted package name. */
export type PackagePaths = Readonly<Record<string, string>>;

/** Files a dotted module name can be, below one root: the packages on the way (their __init__.py) and a/b.py or
 *  a/b/__init__.py (a folder without one is a namespace package), looking each part up where Python would (a package's mapped path, else its folder). */
function moduleFiles(root: string, dotted: string, paths: PackagePaths): string[] {
  const parts = dotted.split('.').filter(Boolean);
  const out: string[] = [];
  let dir = root; // where the next part is looked up: the parent package's __path__
  for (const [i, part] of parts.entries()) {
    const file = join(dir, `${part}.py`);
    if (i === parts.length - 1 && existsSync(file)) return [...out, file];
    const init = join(dir, part, '__init__.py');
    if (existsSync(init)) out.push(init);
    else if (!existsSync(join(dir, part))) return out; // a folder without __init__.py is a namespace package
    dir = paths[parts.slice(0, i + 1).join('.')] ?? join(dir, part);
  }
  return out;
}

/** A module file's dotted name: below a mapped package's path, that package's name; else relative to `root`. */
export function moduleNameOf(file: string, root: string, paths: PackagePaths = {}): string {
  const [pkg, dir] = Object.entries(paths).find(([, d]) => !relative(d, file).startsWith('..')) ?? ['', root];
  const parts = relative(dir, file).replace(/\.py$/, '').split(sep);
  if (parts.at(-1) === '__init__') parts.pop();
  return [pkg, ...parts].filter(Boolean).join('.');
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
export function localImports(file: string, roots: readonly string[], paths: PackagePaths = {}): string[] {
  const seen = new Set<string>([resolve(file)]);
  const queue = [resolve(file)];
  while (queue.length > 0) {
    const current = ensured(queue.pop(), 'queued module');
    for (const imp of importsOf(current, roots)) {
      for (const root of imp.roots) {
        for (const f of moduleFiles(root, imp.name, paths)) {
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
