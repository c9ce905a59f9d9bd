import { defineConfig } from "@playwright/test";

// Browser journeys in Debian's Chromium (never a downloaded browser). The web server is a real
// Lantern on a fresh embedded database with a small demo county.
const PORT = Number(process.env.E2E_PORT ?? 3999);
const DATA_DIR = process.env.E2E_DATA_DIR ?? `.data-e2e-${PORT}`;

export default defineConfig({
  testDir: "test/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    screenshot: "only-on-failure",
    trace: "off",
  },
  webServer: {
    command: `rm -rf ${DATA_DIR} && node bin/lantern.js start`,
    url: `http://localhost:${PORT}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      DATA_DIR,
      DEMO_CHILDREN: "300",
      // The demo cohort has 9 children: the whole tracker needs a second person's approval.
      BULK_EXPORT_CHILDREN: "6",
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
      COOKIE_SECURE: "true",
    },
  },
});
