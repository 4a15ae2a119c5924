// The Adoption screen's call: billing's figures for a billing cycle, through the console (any role).
import type { AdoptionResponse } from '@gateway/contracts';
import { request } from './api.ts';

export type Adoption = AdoptionResponse;

/** A cycle as YYYY-MM, or undefined for billing's current cycle (the month in Asia/Damascus). */
export function getAdoption(cycle: string | undefined): Promise<Adoption> {
  return request<Adoption>('GET', cycle === undefined ? '/api/adoption' : `/api/adoption?cycle=${encodeURIComponent(cycle)}`);
}
