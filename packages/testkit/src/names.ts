import { randomBytes } from 'node:crypto';

/**
 * A name no other test (in this run or a parallel one) uses: for topics, consumer groups, client
 * ids. Starts with the creation time so leftovers can be told apart by age.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
