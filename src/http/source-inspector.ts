import type { z } from 'zod';
import type { DetectResultSchema, SourcePlanSchema, SourceScanSchema } from './api-schemas.js';

export type SourceScan = z.infer<typeof SourceScanSchema>;
export type SourcePlan = z.infer<typeof SourcePlanSchema>;
export type DetectResult = z.infer<typeof DetectResultSchema>;

export interface DetectInput {
  readonly texts: readonly { readonly id: string | number; readonly text: string }[];
  readonly threshold?: number;
}

/**
 * Scans, plans and text detection for the API, built by the composition (it reads sources and loads
 * detection off the API's event loop). Source and policy names are configured ones, already checked.
 * Results carry names, counts, rules and offsets — never values.
 */
export interface SourceInspector {
  scan(source: string, signal: AbortSignal): Promise<SourceScan>;
  /** With `policy` (a configured policy's name), or a fresh scan's draft policy when null. */
  plan(source: string, policy: string | null, signal: AbortSignal): Promise<SourcePlan>;
  detect(input: DetectInput, signal: AbortSignal): Promise<DetectResult>;
}
