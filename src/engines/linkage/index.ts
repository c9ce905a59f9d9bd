// Record linkage engine (Fellegi–Sunter, in the manner of Splink). Pure: no file or network
// I/O, no imports from the rest of the application. An app module feeds it rows (from the
// database or a file) and gets clusters, scored pairs, explanations and a report back:
//
//   const { mappings } = resolveColumns(["id", "forename", "surname", "dob", "postcode"]);
//   const records = standardiseRecords(rows, mappings);          // rows: arrays or objects
//   const result = await linkRecords(records, { threshold: 0.9, threads: 2 });
//   result.clusterIds[i];                                         // cluster of record i
//   pairBand(result, p);                                          // "match" | "review" | null
//   explainPair(result.model, records, result.pairsI[p], result.pairsJ[p], gammaRow(result, p));
//   renderReport(result, { title: "…", inputs: ["…"] });          // self-contained HTML
//
// For large inputs stream rows into a RecordSetBuilder (CsvByteIngest does so from CSV bytes).
// The steps are also exported one by one: prepareBlocking/countBlockedPairs/generatePairs,
// compareRange (or createComparePool for worker threads), train, scorePairs, cluster.

export {
  type BlockingCounts,
  BlockingError,
  type BlockingRule,
  countBlockedPairs,
  defaultBlockingRules,
  generatePairs,
  parseBlockingRule,
  prepareBlocking,
  type RuleCount,
  ruleFields,
} from "./blocking.ts";
export { cluster, clusterSizeDistribution, UnionFind } from "./cluster.ts";
export {
  type Comparison,
  compareCodes,
  compareRange,
  defaultComparisons,
  kernelFields,
  LEVELS,
  NULL_LEVEL,
} from "./compare.ts";
export { CsvParser, csvField, parseCsv } from "./csv.ts";
export { CsvByteIngest } from "./csv-bytes.ts";
export { isCalendarDate, type ParsedDate, parseDate } from "./dates.ts";
export {
  type ColumnMapping,
  FIELD_SPECS,
  type FieldSpec,
  fieldSpec,
  MappingError,
  normaliseHeader,
  parseMapSpec,
  type ResolvedColumns,
  resolveColumns,
} from "./fields.ts";
export { NICKNAME_GROUPS } from "./nicknames.ts";
export { type ComparePool, createComparePool } from "./parallel.ts";
export {
  DEFAULT_REVIEW_THRESHOLD,
  DEFAULT_THRESHOLD,
  gammaRow,
  type LinkOptions,
  type LinkResult,
  linkRecords,
  type ProgressEvent,
  pairBand,
} from "./pipeline.ts";
export { type FieldColumn, type RecordSet, RecordSetBuilder, standardiseRecords } from "./records.ts";
export { type ReportMeta, renderReport, selectExamplePairs } from "./report.ts";
export {
  conflictReasons,
  decide,
  explainPair,
  type FieldExplanation,
  levelWeights,
  type PairExplanation,
  priorWeight,
  probabilityFromWeight,
  type ScoredPairs,
  scorePairs,
  tfAdjustments,
} from "./score.ts";
export { jaro, jaroWinkler, levenshtein, osaDistance } from "./similarity.ts";
export {
  areNicknames,
  canonicalGivenName,
  isValidNhsNumber,
  nhsCheckDigit,
  standardiseGivenName,
  standardisePostcode,
  standardiseSurname,
} from "./standardise.ts";
export {
  type ConflictRule,
  type EmResult,
  type Model,
  randomPairs,
  runEm,
  seededRandom,
  train,
} from "./train.ts";
