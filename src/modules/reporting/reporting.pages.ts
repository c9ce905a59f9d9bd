// The partnership report page (board, committee, managers, analysts): four quarters of figures
// with small numbers hidden, two charts, and the same figures as tables.
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { errorSummary } from "../../web/errors.ts";
import { actorOf } from "../access/index.ts";
import { partnershipWorkbook } from "./partnership.export.ts";
import { buildPartnershipReport, PARTNERSHIP_REPORT_ROLES, quarterChoices } from "./partnership.service.ts";

export function reportingPages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/reports/partnership",
      kind: "page",
      summary: "Partnership report: how the partnership is doing, quarter by quarter (aggregates only)",
      access: rolesOnly(...PARTNERSHIP_REPORT_ROLES),
      handler: async ({ req, reply, user }) => {
        const to = (req.query as Record<string, unknown>).to;
        const wanted = typeof to === "string" && to !== "" ? to : undefined;
        const choices = quarterChoices(app.clock.now());
        const items = (selected?: string) =>
          choices.map((q, i) => ({
            value: q.key,
            text: q.label,
            selected: selected ? q.key === selected : i === 0,
          }));
        try {
          const report = await buildPartnershipReport(
            app,
            { userId: user!.id, agencyId: user!.agencyId },
            actorOf(user!, req),
            { to: wanted },
          );
          return reply.page("reporting/views/partnership.njk", {
            title: "Partnership report",
            report,
            downloadHref: `/reports/partnership.xlsx?to=${report.quarters[report.quarters.length - 1].key}`,
            quarterItems: items(report.quarters[report.quarters.length - 1].key),
          });
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          return reply.page(
            "reporting/views/partnership.njk",
            {
              title: "Partnership report",
              report: null,
              quarterItems: items(),
              ...errorSummary(e.fields),
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/reports/partnership.xlsx",
      kind: "page",
      summary:
        "The partnership report as an Excel workbook for board and committee papers (the same hidden numbers; marked; audited)",
      access: rolesOnly(...PARTNERSHIP_REPORT_ROLES),
      handler: async ({ req, reply, user }) => {
        const to = (req.query as Record<string, unknown>).to;
        const report = await buildPartnershipReport(
          app,
          { userId: user!.id, agencyId: user!.agencyId },
          actorOf(user!, req),
          { to: typeof to === "string" && to !== "" ? to : undefined, download: true },
        );
        const when = app.clock.now();
        const buffer = await partnershipWorkbook(report, user!, when);
        const span = `${report.quarters[0].key}-to-${report.quarters[report.quarters.length - 1].key}`;
        reply
          .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
          .header("content-disposition", `attachment; filename="lantern-partnership-report-${span}.xlsx"`)
          .header("cache-control", "no-store")
          .send(buffer);
        return reply;
      },
    }),
  ];
}
