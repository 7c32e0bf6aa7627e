/**
 * Errors with stable codes (shared/src/errors.ts). Throw `appError('not_found')` anywhere; the HTTP layer
 * turns it into `{error: {code, message, fields?}}` with the code's status.
 */
import { ERRORS, type ErrorCode } from '@zhiyetong/shared';

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly fields?: Record<string, string>,
    message?: string,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

export function appError(code: ErrorCode, fields?: Record<string, string>, message?: string): AppError {
  return new AppError(code, fields, message);
}

export const NotFound = () => new AppError('not_found');
export const Forbidden = () => new AppError('forbidden');
