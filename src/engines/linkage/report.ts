import type { LinkResult } from "./pipeline.ts";

export interface ReportMeta {
  title: string;
  inputs: string[];
}

export function selectExamplePairs(_result: LinkResult): number[] {
  return [];
}

export function renderReport(_result: LinkResult, meta: ReportMeta): string {
  return `<!doctype html><title>${meta.title}</title>`;
}
