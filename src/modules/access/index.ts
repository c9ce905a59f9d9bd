export * from "./access.policy.ts";
export { AccessService, actorOf, type SignpostResult, subjectOf } from "./access.service.ts";
