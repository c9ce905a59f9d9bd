// The synthetic demo county (Kestershire): generator, seeding and the start-up banner.
export {
  type Counts,
  DEFAULT_REFERENCE_DATE,
  DEMO_PASSWORD,
  type DemoCounty,
  generateCounty,
  KEY_DEMO_USERS,
} from "./demo.generator.ts";
export { DemoSeedRefused, demoSignInsText, type SeedOptions, seedDemo, seedIfEmpty } from "./demo.service.ts";
export { progressReporter } from "./progress.ts";
