// Optimistic concurrency over HTTP: records carry a version, sent as a weak ETag; writes must send
// it back in If-Match (428 when missing, 412 when stale).
import type { FastifyReply, FastifyRequest } from "fastify";
import { PreconditionFailed, PreconditionRequired } from "../platform/errors.ts";

export const etagOf = (version: number): string => `W/"v${version}"`;

export function setEtag(reply: FastifyReply, version: number | undefined): void {
  if (typeof version === "number") reply.header("etag", etagOf(version));
}

export function requireIfMatch(req: FastifyRequest): number {
  const h = req.headers["if-match"];
  if (!h)
    throw new PreconditionRequired(
      "Send the record's ETag in an If-Match header, so changes made by others are not overwritten.",
    );
  const m = /^(?:W\/)?"v(\d+)"$/.exec(String(h).trim());
  if (!m) throw new PreconditionFailed("The If-Match header is not an ETag from this record.");
  return Number(m[1]);
}
