// The language module's public surface. Modules that save narrative text call
// recordLanguageChecks inside their own transaction (see language.service.ts), and read the
// writer's "keep this wording" decisions from their form with parseLanguageOverrides (the live
// hints add them as hidden inputs named "languageOverride").
export {
  addEntry,
  currentDictionary,
  type EntryDraft,
  editEntry,
  ensureDictionary,
  ensureShippedDictionary,
  setEntryActive,
} from "./dictionary.service.ts";
export { languagePages } from "./language.pages.ts";
export { languageRoutes } from "./language.routes.ts";
export { keptSchema as languageKeptSchema } from "./language.schema.ts";
export {
  checkText,
  countWords,
  type KeptWording,
  type LanguageCheckInput,
  parseLanguageOverrides,
  type RecordedCheck,
  recordLanguageChecks,
} from "./language.service.ts";
