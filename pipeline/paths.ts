import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The zooforge checkout/package root (holds scripts/, yaml/, .venv/): pipeline/.. from the sources, dist/pipeline/../..
 *  from the compiled JavaScript. */
export const PROJECT_ROOT = basename(dirname(here)) === 'dist' ? join(here, '..', '..') : join(here, '..');
export const SCRIPTS_DIR = join(PROJECT_ROOT, 'scripts');
/** The Python side's one import root (the workers' PYTHONPATH): it holds the zooforge package and nothing else. */
export const PYTHON_ROOT = join(SCRIPTS_DIR, 'src');
/** Packages whose modules live outside the import root, as their `__path__` says in a checkout and pyproject.toml's
 *  package-dir in an install: zooforge.calibration is the top-level calibration/ folder. */
export const PYTHON_PACKAGE_PATHS: Readonly<Record<string, string>> = {
  'zooforge.calibration': join(PROJECT_ROOT, 'calibration'),
};
/** The workers' entry points (python -m zooforge.workers.<name>) and their generated contracts. */
export const WORKERS_DIR = join(PYTHON_ROOT, 'zooforge', 'workers');
export const CONTRACTS_DIR = join(PYTHON_ROOT, 'zooforge', 'protocol', 'contracts');
/** A git checkout (npm never packs package-lock.json): its Python environment is .venv/ inside it; an installed
 *  package keeps it in the user's data folder instead (the package folder may be read-only, shared by users). */
export const IS_CHECKOUT = existsSync(join(PROJECT_ROOT, 'package-lock.json'));
/** shared/ (recorded toolchain fixtures and references) sits beside the checkout, as in CI; ZOOFORGE_SHARED overrides. */
export const SHARED_DIR = process.env.ZOOFORGE_SHARED ?? join(PROJECT_ROOT, '..', 'shared');

/** $XDG_<kind>_HOME/zooforge (XDG base directories), ~/.cache or ~/.local/share when unset. */
function userDir(kind: 'CACHE' | 'DATA'): string {
  const fallback = kind === 'CACHE' ? join(homedir(), '.cache') : join(homedir(), '.local', 'share');
  return join(process.env[`XDG_${kind}_HOME`] || fallback, 'zooforge');
}

/** The stage cache every run of this user shares unless --cache or ZOOFORGE_CACHE says otherwise: the same recipe run
 *  from any folder finds the stages it already computed. */
export const userCacheDir = (): string => userDir('CACHE');

/** The Python environment `zooforge setup` builds: ZOOFORGE_VENV, else .venv/ in a checkout, else the user's data
 *  folder. scripts/setup.sh builds it where ZOOFORGE_VENV points (.venv when unset). */
export const VENV_DIR =
  process.env.ZOOFORGE_VENV || (IS_CHECKOUT ? join(PROJECT_ROOT, '.venv') : join(userDir('DATA'), 'venv'));
export const VENV_PYTHON = join(VENV_DIR, 'bin', 'python');
