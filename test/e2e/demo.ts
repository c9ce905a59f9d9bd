// What the e2e server's demo county holds: the same deterministic generator, same size and seed.
import { generateCounty, KEY_DEMO_USERS } from "../../src/modules/demo/index.ts";
import { londonDate } from "../../src/platform/clock.ts";

export const E2E_CHILDREN = 300;
export const county = generateCounty({
  children: E2E_CHILDREN,
  seed: 1,
  referenceDate: londonDate(new Date()),
});

export function demoUser(label: string) {
  const u = KEY_DEMO_USERS.find((k) => k.label === label);
  if (!u)
    throw new Error(`no key demo user labelled ${label}: ${KEY_DEMO_USERS.map((k) => k.label).join(", ")}`);
  const row = county.users.find((x) => x.email === u.email)!;
  const agency = county.agencies.find((a) => a.id === row.agency_id)!;
  return { ...u, name: row.display_name, agency: agency.name, userId: row.id, agencyId: agency.id };
}
