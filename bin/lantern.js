#!/usr/bin/env node
// The `lantern` command. Lantern runs its TypeScript sources directly through tsx (no build step),
// so a fresh checkout needs only `npm install`.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
