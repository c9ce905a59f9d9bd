// Panels other modules add to the person, entity and link-chart pages (the disruption panel), so
// this module need not depend on theirs. A provider returns a template and its data, or null.
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import type { NodeRef } from "./intelligence.schema.ts";

export type SubjectPanel = { template: string; data: Record<string, unknown> };
export type PanelProvider = (user: SessionUser, subject: NodeRef) => Promise<SubjectPanel | null>;

const providers = new WeakMap<App, Map<string, PanelProvider>>();

/** Registers (or replaces) the named panel provider for this app. */
export function addSubjectPanel(app: App, name: string, provider: PanelProvider): void {
  let m = providers.get(app);
  if (!m) {
    m = new Map();
    providers.set(app, m);
  }
  m.set(name, provider);
}

export async function panelsFor(app: App, user: SessionUser, subject: NodeRef): Promise<SubjectPanel[]> {
  const out: SubjectPanel[] = [];
  for (const p of providers.get(app)?.values() ?? []) {
    const panel = await p(user, subject);
    if (panel) out.push(panel);
  }
  return out;
}
