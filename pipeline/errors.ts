/** One error type per kind of failure; the CLI maps each to an exit code (and nowhere else exits). */

export const ExitCode = {
  ok: 0,
  stageFailed: 1,
  badInput: 2,
  budgetNotMet: 3,
  interrupted: 130,
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad recipe, bad arguments, bad input file: the user can fix it. Exit 2. */
export class UserInputError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.badInput;
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'UserInputError';
  }
}

/** A stage (or the tool it drives) failed. Exit 1. `detail` carries the log tail. */
export class StageFailedError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.stageFailed;
  constructor(
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StageFailedError';
  }
}

/** A file we read is damaged (truncated protobuf, corrupt cache entry...). Exit 1. */
export class CorruptInputError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.stageFailed;
  constructor(message: string) {
    super(message);
    this.name = 'CorruptInputError';
  }
}

/** The machine, not the recipe: a read-only or full disk, a path that is a file, a folder we may not write. Exit 1,
 *  one line naming the path and the cause. */
export class EnvironmentError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.stageFailed;
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

const FS_CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** A filesystem error from the machine (not a bug): as one line naming the path and the cause. */
export function environmentError(err: unknown): EnvironmentError | undefined {
  const e = err as NodeJS.ErrnoException;
  const cause = e && typeof e === 'object' ? FS_CAUSES[e.code ?? ''] : undefined;
  if (!cause) return undefined;
  return new EnvironmentError(`${e.path ?? (e as { dest?: string }).dest ?? '(unknown path)'}: ${cause} (${e.code})`);
}

/** Ctrl-C or SIGTERM. Exit 130. */
export class InterruptedError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.interrupted;
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

export type KnownError = UserInputError | StageFailedError | CorruptInputError | InterruptedError | EnvironmentError;

export function isKnownError(err: unknown): err is KnownError {
  return (
    err instanceof UserInputError ||
    err instanceof StageFailedError ||
    err instanceof CorruptInputError ||
    err instanceof InterruptedError ||
    err instanceof EnvironmentError
  );
}

/** A value an earlier check guarantees (a stage's `requires`, a map filled just before): a bug, not a user error, if absent. */
export function ensured<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`internal: ${what} is missing though it was checked`);
  return value;
}
