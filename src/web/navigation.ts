// The service navigation: each entry says which roles see it. Modules add their entries here.
import type { Role } from "../modules/identity/roles.ts";

export type NavItem = { href: string; text: string; roles: readonly Role[] | "all" };

export const NAVIGATION: NavItem[] = [
  { href: "/", text: "Home", roles: "all" },
  {
    href: "/children",
    text: "Find a child",
    roles: ["practitioner", "screener", "mace_coordinator", "analyst", "manager"],
  },
  {
    href: "/referrals",
    text: "Referrals",
    roles: ["practitioner", "screener", "mace_coordinator", "analyst", "manager"],
  },
  { href: "/screening", text: "Screening", roles: ["screener", "manager"] },
  {
    href: "/intelligence",
    text: "Intelligence",
    roles: ["analyst", "screener", "mace_coordinator", "manager"],
  },
  {
    href: "/tracker",
    text: "MACE tracker",
    roles: ["practitioner", "screener", "mace_coordinator", "analyst", "manager"],
  },
  { href: "/imports", text: "Imports and linkage", roles: ["analyst", "admin"] },
  // Analysts and administrators reach the data-gaps report from Imports and linkage.
  { href: "/data-gaps", text: "Data gaps", roles: ["manager"] },
  { href: "/reports/partnership", text: "Partnership report", roles: ["manager", "analyst", "committee"] },
  { href: "/approvals", text: "Approvals", roles: ["manager"] },
  { href: "/audit", text: "Audit", roles: ["auditor"] },
  { href: "/admin/jobs", text: "Jobs", roles: ["admin"] },
  { href: "/language", text: "Language", roles: "all" },
];

export function navigationFor(roles: readonly Role[], currentPath: string) {
  return NAVIGATION.filter((n) => n.roles === "all" || n.roles.some((r) => roles.includes(r))).map((n) => ({
    href: n.href,
    text: n.text,
    active: n.href === "/" ? currentPath === "/" : currentPath.startsWith(n.href),
  }));
}
