// The GOV.UK error summary's list and each field's message, from a service's field issues, in the
// shape the page templates take (`errors` for govukErrorSummary in the layout, `byField` for each
// field's errorMessage). `href` says where each summary link goes (default: the field's id).
export function errorSummary(
  fields: readonly { field: string; message: string }[],
  href: (field: string) => string = (f) => `#${f}`,
) {
  return {
    errors: fields.map((f) => ({ text: f.message, href: href(f.field) })),
    byField: Object.fromEntries(fields.map((f) => [f.field, f.message])) as Record<string, string>,
  };
}
