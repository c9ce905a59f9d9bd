// The intelligence module's services for one app (built once per app and shared by its routes,
// pages and jobs).
import type { App } from "../../app.ts";
import { IntelligenceService } from "./intelligence.service.ts";
import { NetworkService } from "./network.service.ts";

export type Services = { intel: IntelligenceService; network: NetworkService };

const built = new WeakMap<App, Services>();

export function intelligenceServices(app: App): Services {
  let s = built.get(app);
  if (!s) {
    s = { intel: new IntelligenceService(app.db, app.clock), network: new NetworkService(app.db, app.clock) };
    built.set(app, s);
  }
  return s;
}
