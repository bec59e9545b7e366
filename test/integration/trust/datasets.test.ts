import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFolder } from '../../../pipeline/cache/listing.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../../pipeline/paths.ts';
import { zooforge } from '../../helpers/cli.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { tmp } from '../../helpers/tmp.ts';

/** One listing for the key and the worker (issue 21.4, 21.5, 21.16): what the key hashes is what the worker reads. */
describe('dataset listing: links, special files and interpreter-named folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp('zf-listing-');
    await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'test', 'helpers', 'make_image_folder.py'), join(dir, 'imgs'), '40']);
  });

  it('lists regular files and folders inside the root; skips links to folders holding it, dangling links and FIFOs, saying why', async () => {
    const root = join(dir, 'listing');
    cpSync(join(dir, 'imgs', 'tree'), root, { recursive: true });
    symlinkSync('../..', join(root, 'c0', 'up'));
    symlinkSync('/', join(root, 'c1', 'slash'));
    symlinkSync(join(root, 'c2'), join(root, 'c3', 'c2-again')); // inside: walked once only
    symlinkSync(join(dir, 'imgs', 'tree', 'c7'), join(root, 'c8', 'from-store')); // a folder from an image store: walked
    symlinkSync(join(dir, 'imgs', 'flat', '00000.png'), join(root, 'c4', 'linked.png')); // a file from elsewhere: kept
    symlinkSync(join(dir, 'nothing'), join(root, 'c5', 'dangling.png'));
    execFileSync('mkfifo', [join(root, 'c6', 'x.png')]);
    mkdirSync(join(root, '__pycache__'));
    cpSync(join(dir, 'imgs', 'flat', '00001.png'), join(root, '__pycache__', 'a.png'));
    const listing = await listFolder(root);
    expect(listing.skipped.map((s) => `${s.path}: ${s.why.replace(/\(\/.*\)/, '(…)')}`).sort()).toEqual([
      'c0/up: a link to a folder that holds the dataset itself (…)',
      'c1/slash: a link to a folder that holds the dataset itself (…)',
      'c5/dangling.png: a symbolic link to nothing (dangling)',
      'c6/x.png: not a regular file (a named pipe)',
    ]);
    expect(listing.files).toContain('c4/linked.png');
    expect(listing.files.filter((f) => f.startsWith('c8/from-store/')).length).toBeGreaterThan(0);
    expect(listing.files).toContain('__pycache__/a.png');
    expect(listing.files.filter((f) => f.startsWith('c3/c2-again/'))).toEqual([]);
    expect(listing.dirs).toContain('__pycache__');
  });

  it('a run reads what the key hashed: images replaced in __pycache__/ re-run calibration; a FIFO named x.png never blocks it', async () => {
    const ds = join(dir, 'run-ds');
    cpSync(join(dir, 'imgs', 'tree'), ds, { recursive: true });
    renameSync(join(ds, 'c9'), join(ds, '__pycache__')); // a class folder an interpreter would also name
    execFileSync('mkfifo', [join(ds, 'c0', 'x.png')]);
    symlinkSync('../..', join(ds, 'c1', 'up'));
    const recipe = join(dir, 'r.yaml');
    writeFileSync(
      recipe,
      fashionRecipeText()
        .replace('dataset: {fashion_mnist: {split: train}}', `dataset: {folder: {path: ${JSON.stringify(ds)}}}`)
        .replace('count: 100', 'count: 40'),
    );
    const args = ['--until', 'calibration', '--out', join(dir, 'out'), '--cache', join(dir, 'cache')];
    const first = await zooforge(['run', recipe, ...args]);
    expect(first.exitCode, first.stderr).toBe(0);
    // said once, by the first stage that reads the folder (export's check images), not again by simplify or calibration
    expect(first.stderr.match(/entries left out/g)).toHaveLength(1);
    expect(first.stderr).toMatch(
      /warn\s+export\s+.*run-ds: 2 entries left out \(c0\/x\.png: not a regular file.*c1\/up: a link to a folder that holds the dataset itself/,
    );
    expect((await zooforge(['plan', recipe, ...args])).stdout).toMatch(/^calibration\s+cached/m);
    writeFileSync(join(dir, 'unrelated.txt'), 'a file the link up -> ../.. reaches'); // outside the dataset: no effect
    expect((await zooforge(['plan', recipe, ...args])).stdout).toMatch(/^calibration\s+cached/m);
    cpSync(join(ds, 'c2'), join(ds, '__pycache__'), { recursive: true, force: true }); // other images in that class
    const changed = await zooforge(['plan', recipe, ...args]);
    expect(changed.stdout, changed.stdout).toMatch(/^calibration\s+runs because input dataset changed/m);
  });
});
