export * from "./access.policy.ts";
export { AccessService, actorOf, type SignpostResult, subjectOf } from "./access.service.ts";
// Disclosure control for aggregate figures (committee and manager reports): small-number suppression.
export {
  type Cell,
  PRIMARY_MARK,
  rateOf,
  SECONDARY_MARK,
  suppressLines,
  suppressList,
  suppressOne,
  suppressTable,
  THRESHOLD,
} from "./suppress.ts";
