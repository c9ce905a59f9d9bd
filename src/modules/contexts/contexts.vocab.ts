// Contextual safeguarding words: kinds of context, places and the factors a context assessment
// looks at. Factors describe what adults and places do, not what children "choose".
import type { ContextKind, PlaceType } from "./contexts.tables.ts";

export const CONTEXT_KINDS = [
  "peer_group",
  "place",
  "online_space",
] as const satisfies readonly ContextKind[];
export const CONTEXT_LABELS: Record<ContextKind, string> = {
  peer_group: "Peer group",
  place: "Place",
  online_space: "Online space",
};
export const PLACE_TYPES = [
  "park",
  "shop",
  "takeaway",
  "school",
  "transport",
  "address",
  "hotel",
  "leisure",
  "other",
] as const satisfies readonly PlaceType[];
export const PLACE_LABELS: Record<PlaceType, string> = {
  park: "Park or open space",
  shop: "Shop",
  takeaway: "Takeaway or café",
  school: "School or college",
  transport: "Station or transport hub",
  address: "House or flat",
  hotel: "Hotel or short-let",
  leisure: "Leisure centre, arcade or gym",
  other: "Other place",
};
export const FACTORS = {
  adults_of_concern: "Adults of concern are present or target children here",
  drug_supply: "Drug supply or a 'trap' address linked to this context",
  weapons: "Weapons seen or reported",
  gifts_money: "Adults give children money, food, gifts or lifts",
  alcohol_drugs_given: "Children are given alcohol or drugs",
  peer_harm: "Harm between young people (violence, sexual harassment or abuse)",
  online_contact: "Adults contact children through this space",
  image_sharing: "Sexual images of children shared or demanded",
  unsupervised: "Few trusted adults present; poor lighting or no CCTV",
  transport: "Used to move children across areas",
  protective_adults: "Protective: trusted adults, staff or detached youth workers present",
  protective_activity: "Protective: positive activities children value",
} as const;
export type Factor = keyof typeof FACTORS;
export const FACTOR_KEYS = Object.keys(FACTORS) as Factor[];
