// The language engine's public surface: check text for wording that blames children who are, or
// may be, exploited; explain each find and suggest alternatives. Pure (no I/O), so the same code
// can serve the API, live hints in the browser and the CLI.
import dictionaryData from "./dictionary.json" with { type: "json" };
import type { Dictionary } from "./types.ts";

export { check, QUOTED_MESSAGE, REPORTED_MESSAGE } from "./check.ts";
export {
  type CompiledDictionary,
  compileDictionary,
  contentHash,
  isCompiled,
  validateDictionary,
  validateEntry,
} from "./dictionary.ts";
export { PatternError } from "./pattern.ts";
export { tokenise } from "./tokenise.ts";
export * from "./types.ts";

/** The dictionary shipped with Lantern (src/engines/language/dictionary.json). */
export const defaultDictionary: Dictionary = dictionaryData as Dictionary;

/** The version reported with every flag: the dictionary's own version string. */
export function dictionaryVersion(d: Dictionary | { version: string }): string {
  return d.version;
}
