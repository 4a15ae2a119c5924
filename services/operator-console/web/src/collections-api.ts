// The Fees and collections screen's calls, through the console (any role): billing's collections per
// biller for a range of Damascus days.
import type { CollectionsResponse } from '@gateway/contracts';
import { request } from './api.ts';

export type Collections = CollectionsResponse;

export function getCollections(from: string, to: string): Promise<Collections> {
  return request<Collections>('GET', `/api/collections?${new URLSearchParams({ from, to }).toString()}`);
}
