// The DfE ethnicity codes (as in SSDA903 and the school census) and what they mean, so agencies
// that write "WBRI" and those that write "White British" are not counted as disagreeing.
export const SSDA903_ETHNIC_LABELS: Record<string, string> = {
  WBRI: "White British",
  WIRI: "White Irish",
  WOTH: "Any other White background",
  WIRT: "Traveller of Irish heritage",
  WROM: "Gypsy/Roma",
  MWBC: "White and Black Caribbean",
  MWBA: "White and Black African",
  MWAS: "White and Asian",
  MOTH: "Any other mixed background",
  AIND: "Indian",
  APKN: "Pakistani",
  ABAN: "Bangladeshi",
  AOTH: "Any other Asian background",
  BCRB: "Caribbean",
  BAFR: "African",
  BOTH: "Any other Black background",
  CHNE: "Chinese",
  OOTH: "Any other ethnic group",
  REFU: "Refused",
  NOBT: "Information not yet obtained",
};
