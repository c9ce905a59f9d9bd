// The one table mapping typed errors to HTTP status codes, and the JSON error body
// { error: { code, message, fields?, requestId } } every API failure returns.
import {
  AppError,
  Conflict,
  Forbidden,
  Invalid,
  NotFound,
  PreconditionFailed,
  PreconditionRequired,
  TooManyRequests,
  Unauthenticated,
  Unavailable,
} from "../platform/errors.ts";

export const STATUS_BY_ERROR: ReadonlyArray<[new (...a: never[]) => AppError, number]> = [
  [Invalid, 400],
  [Unauthenticated, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [PreconditionFailed, 412],
  [PreconditionRequired, 428],
  [TooManyRequests, 429],
  [Unavailable, 503],
];

export type ErrorBody = {
  error: { code: string; message: string; fields?: { field: string; message: string }[]; requestId: string };
};

export function describeError(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    const status = STATUS_BY_ERROR.find(([T]) => err instanceof T)?.[1] ?? 500;
    const body: ErrorBody = { error: { code: err.code, message: err.message, requestId } };
    if (err instanceof Invalid && err.fields.length) body.error.fields = err.fields;
    return { status, body };
  }
  const e = err as { statusCode?: number; code?: string; validation?: unknown };
  // Fastify's own client errors (bad JSON, body too large, unsupported media type).
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const message =
      e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || e.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
        ? "The request body is not valid JSON."
        : e.code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? "The request body is too large."
          : e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
            ? "That content type is not accepted here."
            : "The request could not be understood.";
    return { status: e.statusCode, body: { error: { code: "bad_request", message, requestId } } };
  }
  return {
    status: 500,
    body: {
      error: {
        code: "internal",
        message: "Something went wrong on our side. It has been logged.",
        requestId,
      },
    },
  };
}
