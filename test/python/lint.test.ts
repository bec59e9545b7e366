import { execa } from 'execa';
import { expect, it } from 'vitest';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';

it('the Python workers are pyflakes-clean (no unused imports, undefined names or syntax errors)', async () => {
  const r = await execa(VENV_PYTHON, ['-m', 'pyflakes', 'scripts', 'test/fixtures', 'test/helpers', 'test/doubles/python', 'test/python', 'yaml/models', 'calibration'], { cwd: PROJECT_ROOT, reject: false });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.exitCode).toBe(0);
});
