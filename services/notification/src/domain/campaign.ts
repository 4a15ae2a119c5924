// A campaign's states and its segment (who receives it): the rules the operator API checks a
// campaign against and the store selects recipients by.
//
//   scheduled → starting (batches being queued) → sending (all queued) → completed (none left queued)
//   scheduled | starting | sending → canceled (queued messages become suppressed)
// The states and the segment schema live in packages/contracts (http/notification.ts): the operator
// console checks a campaign form against the same rules before sending it.
export { campaignSegmentSchema, campaignStates, isEmptySegment } from '@gateway/contracts';
export type { CampaignSegment, CampaignState } from '@gateway/contracts';
