// Typed errors. Services throw these; src/http/errors.ts maps each to one HTTP status and a stable code.
export type FieldIssue = { field: string; message: string; row?: number };

export class AppError extends Error {
  readonly code: string = "error";
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class Invalid extends AppError {
  override readonly code = "invalid";
  constructor(
    message: string,
    readonly fields: FieldIssue[] = [],
  ) {
    super(message);
  }
}
export class Unauthenticated extends AppError {
  override readonly code = "unauthenticated";
}
export class Forbidden extends AppError {
  override readonly code = "forbidden";
}
export class NotFound extends AppError {
  override readonly code = "not_found";
}
export class Conflict extends AppError {
  override readonly code = "conflict";
}
export class PreconditionFailed extends AppError {
  override readonly code = "precondition_failed";
}
export class PreconditionRequired extends AppError {
  override readonly code = "precondition_required";
}
export class TooManyRequests extends AppError {
  override readonly code = "too_many_requests";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
export class Unavailable extends AppError {
  override readonly code = "unavailable";
}
