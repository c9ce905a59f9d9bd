// Identifiers and tokens.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export const newId = (): string => randomUUID();
export const newToken = (bytes = 32): string => randomBytes(bytes).toString("base64url");
export const sha256 = (s: string | Buffer): string => createHash("sha256").update(s).digest("hex");
export const hmac = (secret: string, s: string): string =>
  createHmac("sha256", secret).update(s).digest("base64url");
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
/** Human-facing references such as REF-2026-000123: readable on the phone, unique per kind. */
export const reference = (prefix: string, year: number, n: number): string =>
  `${prefix}-${year}-${String(n).padStart(6, "0")}`;
