import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The zooforge checkout/package root (holds scripts/, yaml/, .venv/): pipeline/.. from the sources, dist/pipeline/../..
 *  from the compiled JavaScript. */
export const PROJECT_ROOT = basename(dirname(here)) === 'dist' ? join(here, '..', '..') : join(here, '..');
export const SCRIPTS_DIR = join(PROJECT_ROOT, 'scripts');
export const VENV_PYTHON = join(PROJECT_ROOT, '.venv', 'bin', 'python');
/** shared/ (recorded toolchain fixtures and references) sits beside the checkout, as in CI; ZOOFORGE_SHARED overrides. */
export const SHARED_DIR = process.env.ZOOFORGE_SHARED ?? join(PROJECT_ROOT, '..', 'shared');
