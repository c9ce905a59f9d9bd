// Small helpers shared by the tracker, missing and contexts pages: the posted form, re-rendering a
// page with the GOV.UK error summary when a service refuses input, and the RAG/clock tag data.
import type { FastifyReply, FastifyRequest } from "fastify";
import { Invalid } from "../../platform/errors.ts";
import { errorsFor, type Form } from "./forms.ts";

export const formOf = (req: FastifyRequest): Form => (req.body ?? {}) as Form;
export const queryOf = (req: FastifyRequest): Record<string, string> =>
  (req.query ?? {}) as Record<string, string>;

/**
 * Runs a form's action; on Invalid (bad input, nothing written) re-renders via `again` with the
 * error summary and status 400. Other errors propagate to the error page.
 */
export async function handleForm(
  reply: FastifyReply,
  action: () => Promise<unknown>,
  again: (errors: ReturnType<typeof errorsFor>) => Promise<unknown> | unknown,
  dateFields: readonly string[] = [],
): Promise<unknown> {
  try {
    return await action();
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const errs = errorsFor(e.fields.length ? e.fields : [{ field: "form", message: e.message }], dateFields);
    reply.code(400);
    return again(errs);
  }
}

export const isUuid = (s: unknown): s is string => typeof s === "string" && /^[0-9a-f-]{36}$/i.test(s);
