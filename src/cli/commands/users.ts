import type { Command } from "commander";

// Bootstrapping a real installation (DEMO_SEED=false): create agencies and the first users from the
// command line; after that, administrators manage users in the app.
export function register(program: Command): void {
  const agencies = program.command("agencies").description("Agencies in the partnership");
  agencies
    .command("create")
    .description("Add an agency")
    .requiredOption("--code <code>", "short unique code, e.g. KCON")
    .requiredOption("--name <name>", "full name")
    .requiredOption(
      "--kind <kind>",
      "police | social_care | health | school | youth_justice | voluntary | council | partnership",
    )
    .option("--email <email>", "contact email for signposting")
    .option("--phone <phone>", "contact phone for signposting")
    .action(async (o: { code: string; name: string; kind: string; email?: string; phone?: string }) => {
      const { configOrExit, withApp, fail } = await import("../runtime.ts");
      const kinds = [
        "police",
        "social_care",
        "health",
        "school",
        "youth_justice",
        "voluntary",
        "council",
        "partnership",
      ];
      if (!kinds.includes(o.kind)) fail(`--kind must be one of ${kinds.join(", ")} (got "${o.kind}")`);
      const { newId } = await import("../../platform/ids.ts");
      await withApp(configOrExit(), async (app) => {
        const exists = await app.db
          .selectFrom("agencies")
          .select("id")
          .where("code", "=", o.code)
          .executeTakeFirst();
        if (exists) fail(`an agency with code ${o.code} already exists`);
        await app.db
          .insertInto("agencies")
          .values({
            id: newId(),
            code: o.code,
            name: o.name,
            kind: o.kind as "police",
            contact_email: o.email ?? null,
            contact_phone: o.phone ?? null,
          })
          .execute();
        process.stdout.write(`Agency ${o.code} (${o.name}) created.\n`);
      });
    });

  const users = program.command("users").description("People who sign in to Lantern");
  users
    .command("create")
    .description("Add a user; the password is read from LANTERN_PASSWORD or generated and printed once")
    .requiredOption("--email <email>", "sign-in email")
    .requiredOption("--name <name>", "display name")
    .requiredOption("--agency <code>", "agency code")
    .requiredOption(
      "--roles <roles>",
      "comma-separated: practitioner, screener, mace_coordinator, analyst, manager, committee, admin, auditor",
    )
    .action(async (o: { email: string; name: string; agency: string; roles: string }) => {
      const { configOrExit, withApp, fail } = await import("../runtime.ts");
      const { isRole } = await import("../../modules/identity/roles.ts");
      const { hashPassword } = await import("../../modules/identity/identity.service.ts");
      const { newId, newToken } = await import("../../platform/ids.ts");
      const { z } = await import("zod");
      const email = o.email.trim().toLowerCase();
      if (!z.email().safeParse(email).success) fail(`--email "${o.email}" is not an email address`);
      const roles = o.roles
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean);
      const bad = roles.filter((r) => !isRole(r));
      if (!roles.length || bad.length)
        fail(`--roles has unknown role(s): ${bad.join(", ") || "(none given)"}`);
      const password = process.env.LANTERN_PASSWORD || newToken(12);
      if (password.length < 12) fail("LANTERN_PASSWORD must be at least 12 characters");
      await withApp(configOrExit(), async (app) => {
        const agency = await app.db
          .selectFrom("agencies")
          .select(["id", "name"])
          .where("code", "=", o.agency)
          .executeTakeFirst();
        if (!agency) return fail(`no agency has code ${o.agency} (create it with: lantern agencies create)`);
        const taken = await app.db
          .selectFrom("users")
          .select("id")
          .where("email", "=", email)
          .executeTakeFirst();
        if (taken) fail(`a user with email ${email} already exists`);
        await app.db
          .insertInto("users")
          .values({
            id: newId(),
            agency_id: agency.id,
            email,
            display_name: o.name,
            job_title: null,
            team: null,
            roles,
            password_hash: await hashPassword(password),
          })
          .execute();
        process.stdout.write(`User ${email} created in ${agency.name} with roles ${roles.join(", ")}.\n`);
        if (!process.env.LANTERN_PASSWORD)
          process.stdout.write(`Password (shown once; ask them to keep it safe): ${password}\n`);
      });
    });
}
