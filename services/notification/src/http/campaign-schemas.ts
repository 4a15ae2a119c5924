// The operator API's shapes for campaigns: in packages/contracts (http/notification.ts), shared with
// the operator console; only the path parameter is notification's own.
import { z } from 'zod';

export {
  campaignListSchema,
  campaignPreviewSchema,
  campaignProgressSchema,
  cancelCampaignBodySchema,
  createCampaignBodySchema,
  previewCampaignBodySchema,
} from '@gateway/contracts';

export const campaignIdParamsSchema = z.object({ campaignId: z.guid({ error: 'must be a campaign id (a UUID)' }) });
