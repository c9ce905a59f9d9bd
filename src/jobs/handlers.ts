// Which job kinds this process runs and which schedules it keeps. Modules add theirs here.
import type { App } from "../app.ts";
import { registerTrackerJobs } from "../modules/tracker/tracker.jobs.ts";
import type { Worker } from "./worker.ts";

export function registerJobs(worker: Worker, app: App): Worker {
  worker.handle("sessions.purge", async () => {
    const r = await app.db
      .deleteFrom("sessions")
      .where("expires_at", "<", app.clock.now())
      .executeTakeFirst();
    return { deleted: Number(r.numDeletedRows) };
  });
  worker.every("sessions.purge", 60 * 60_000);
  worker.handle("intelligence.derive-links", async () => {
    const { deriveLinks } = await import("../modules/intelligence/index.ts");
    return deriveLinks(app.db, app.clock);
  });
  worker.every("intelligence.derive-links", 6 * 60 * 60_000);
  worker.handle("disruption.expiry", async () => {
    const { warnExpiring } = await import("../modules/disruption/index.ts");
    return warnExpiring(app.db, app.clock);
  });
  worker.every("disruption.expiry", 24 * 60 * 60_000);
  worker.handle("referrals.escalate_overdue", async () => {
    const { referralService } = await import("../modules/referrals/index.ts");
    return referralService(app).escalateOverdue();
  });
  worker.every("referrals.escalate_overdue", 15 * 60_000);
  worker.handle("referrals.purge_drafts", async () => {
    const { referralService } = await import("../modules/referrals/index.ts");
    return referralService(app).purgeDrafts();
  });
  worker.every("referrals.purge_drafts", 6 * 60 * 60_000);
  registerTrackerJobs(worker, app);
  worker.handle("imports.validate", async (payload) => {
    const { importsService } = await import("../modules/imports/index.ts");
    return importsService(app).validate((payload as { batchId: string }).batchId);
  });
  worker.handle("imports.commit", async (payload) => {
    const { importsService } = await import("../modules/imports/index.ts");
    return importsService(app).commit((payload as { batchId: string }).batchId);
  });
  worker.handle("linkage.run", async (payload) => {
    const { linkageService } = await import("../modules/linkage/index.ts");
    return linkageService(app).executeRun((payload as { runId: string }).runId);
  });
  return worker;
}
