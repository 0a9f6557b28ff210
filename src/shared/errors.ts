/** Error codes a person or a script can act on; mapped once at the API boundary. */
export type KilnErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'NOT_A_PROJECT'
  | 'CORRUPT_PROJECT'
  | 'PROJECT_LOCKED'
  | 'NEWER_SCHEMA'
  | 'BAD_FILE'
  | 'BAD_PARAMS'
  | 'BAD_DATA'
  | 'SAMPLE_TOO_SHORT'
  | 'DEVICE_ERROR'
  | 'DEVICE_GONE'
  | 'NO_DATA'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'UNSUPPORTED'
  /** a project's custom code may not run on this machine (yet): ask the user */
  | 'CODE_NOT_TRUSTED'
  | 'INTERNAL';

export class KilnError extends Error {
  constructor(
    readonly code: KilnErrorCode,
    message: string,
    /** optional machine-readable location: file, line, field */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KilnError';
  }
}

export function isKilnError(e: unknown): e is KilnError {
  return e instanceof KilnError;
}
