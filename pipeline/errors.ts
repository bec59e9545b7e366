/** One error type per kind of failure; the CLI maps each to an exit code (and nowhere else exits). */

export const ExitCode = { ok: 0, stageFailed: 1, badInput: 2, interrupted: 130, internal: 70 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad recipe, bad arguments, bad input file: the user can fix it. Exit 2. */
export class UserInputError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.badInput;
  constructor(message: string, readonly problems: string[] = [message]) {
    super(message);
    this.name = 'UserInputError';
  }
}

/** A stage (or the tool it drives) failed. Exit 1. `detail` carries the log tail. */
export class StageFailedError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.stageFailed;
  constructor(message: string, readonly detail?: string, options?: { cause?: unknown }) {
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

/** Ctrl-C or SIGTERM. Exit 130. */
export class InterruptedError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.interrupted;
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

export type KnownError = UserInputError | StageFailedError | CorruptInputError | InterruptedError;

export function isKnownError(err: unknown): err is KnownError {
  return err instanceof UserInputError || err instanceof StageFailedError
    || err instanceof CorruptInputError || err instanceof InterruptedError;
}
