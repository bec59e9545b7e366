import { ExitCode } from '../errors.ts';

/** What each exit code means, in the words --help prints (the codes themselves come from errors.ts). */
export const EXIT_CODE_HELP: [number, string][] = [
  [ExitCode.ok, 'success'],
  [
    ExitCode.stageFailed,
    'a stage failed (its log tail is printed; logs/<stage>.log in the run dir has all of it), or an input file is damaged (e.g. a truncated .onnx), or the machine refused (disk full, read-only, permissions)',
  ],
  [
    ExitCode.badInput,
    'bad recipe, bad arguments, or a missing/unusable input (every problem is listed with file:line:col)',
  ],
  [ExitCode.budgetNotMet, 'tune: the run worked, but the variant is NOT within --max-drop on the full evaluation set'],
  [ExitCode.internal, 'internal error in zooforge (please report it with the printed stack)'],
  [ExitCode.interrupted, 'interrupted (Ctrl-C); nothing half-written is left behind'],
];
