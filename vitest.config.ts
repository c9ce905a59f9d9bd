import { defineConfig } from "vitest/config";

// Two projects: fast unit tests (engines, pure code) and integration tests (*.int.test.ts) that
// run against a real database: PGlite by default, PostgreSQL when DATABASE_URL is set.
export default defineConfig({
  test: {
    // Two cores here; integration files are CPU-bound (PGlite runs in-process).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["src/**/*.int.test.ts", "test/integration/**/*.int.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file has its own fresh database (PGlite in memory or a new PostgreSQL database).
          fileParallelism: true,
          globalSetup: ["test/integration/global-setup.ts"],
        },
      },
    ],
  },
});
