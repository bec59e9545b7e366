import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The zooforge checkout/package root (holds scripts/, yaml/, .venv/). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTS_DIR = join(PROJECT_ROOT, 'scripts');
export const VENV_PYTHON = join(PROJECT_ROOT, '.venv', 'bin', 'python');
/** shared/ (recorded toolchain fixtures and references) sits beside the checkout, as in CI; ZOOFORGE_SHARED overrides. */
export const SHARED_DIR = process.env.ZOOFORGE_SHARED ?? join(PROJECT_ROOT, '..', 'shared');
