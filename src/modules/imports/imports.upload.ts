// Multipart uploads (the import page's file field). Registered once in http/server.ts with these
// options: fields arrive in req.body (so the CSRF token is checked as for any form) and the file
// as { filename, mimetype, data } (buffered: the import itself then streams it, in a job if large).
import type { MultipartFile } from "@fastify/multipart";

export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export type UploadedFile = { filename: string; mimetype: string; data: Buffer };

export const multipartOptions = {
  attachFieldsToBody: "keyValues" as const,
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 50, parts: 60 },
  async onFile(part: MultipartFile) {
    const data = await part.toBuffer();
    (part as unknown as { value: UploadedFile }).value = {
      filename: part.filename,
      mimetype: part.mimetype,
      data,
    };
  },
};

export function uploadedFile(v: unknown): UploadedFile | null {
  if (!v || typeof v !== "object") return null;
  const f = v as Partial<UploadedFile>;
  return Buffer.isBuffer(f.data) && typeof f.filename === "string" ? (f as UploadedFile) : null;
}
