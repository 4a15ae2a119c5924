// Campaigns with their progress, refreshed every few seconds while one is queueing or sending; Cancel
// (reason and confirmation) and New campaign for operator and admin only.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CampaignForm } from './messages-campaign-form.tsx';
import { CAMPAIGNS_KEY, cancelCampaign, listCampaigns } from './messages-api.ts';
import type { CampaignProgressView } from './messages-api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { ReasonDialog } from './reason-dialog.tsx';

const running = new Set(['scheduled', 'starting', 'sending']);

/** Messages of a campaign that reached a final state (not queued any more). */
function done(c: CampaignProgressView): number {
  return c.counts.submitted + c.counts.delivered + c.counts.failed + c.counts.expired + c.counts.suppressed;
}

export function MessagesCampaigns({ canAct }: { canAct: boolean }) {
  const { t, formatTime, formatNumber } = useI18n();
  const campaigns = useQuery({
    queryKey: CAMPAIGNS_KEY,
    queryFn: listCampaigns,
    // Fast while something is being sent, so the progress moves on screen; slow otherwise.
    refetchInterval: (query) => (query.state.data?.campaigns.some((c) => c.state === 'starting' || c.state === 'sending') ? 2_000 : 15_000),
  });
  const [canceling, setCanceling] = useState<CampaignProgressView | null>(null);
  const [creating, setCreating] = useState(false);
  const list = campaigns.data?.campaigns ?? [];

  return (
    <section aria-labelledby="campaigns-title">
      <h3 id="campaigns-title">{t.messages.campaignsTitle}</h3>
      {canAct && !creating && <button type="button" onClick={() => setCreating(true)}>{t.messages.newCampaign}</button>}
      {creating && <CampaignForm onClose={() => setCreating(false)} />}
      {campaigns.isPending && <p role="status">{t.loading}</p>}
      {campaigns.isError && <p role="alert" className="error">{t.unexpectedError}</p>}
      {campaigns.isSuccess && list.length === 0 && <p>{t.messages.noCampaigns}</p>}
      {list.length > 0 && (
        <table className="channels" aria-label={t.messages.campaignsTitle}>
          <thead>
            <tr>
              <th scope="col">{t.messages.col.name}</th>
              <th scope="col">{t.messages.col.state}</th>
              <th scope="col">{t.messages.col.startAt}</th>
              <th scope="col">{t.messages.col.createdBy}</th>
              <th scope="col">{t.messages.col.recipients}</th>
              <th scope="col">{t.messages.col.progress}</th>
              {canAct && <th scope="col">{t.messages.col.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.campaignId} data-campaign={c.campaignId} data-state={c.state}>
                <td><bdi>{c.name}</bdi></td>
                <td>{t.messages.campaignState[c.state] ?? c.state}</td>
                <td>{formatTime(c.startAt)}</td>
                <td><bdi>{c.createdBy}</bdi></td>
                <td data-testid="recipients">{formatNumber(c.recipients)}</td>
                <td>
                  <progress max={Math.max(c.recipients, 1)} value={done(c)} aria-label={t.messages.col.progress} />{' '}
                  <span data-testid="counts">{t.messages.counts(c.counts)}</span>
                </td>
                {canAct && (
                  <td>
                    {running.has(c.state) && (
                      <button type="button" onClick={() => setCanceling(c)}>{t.messages.cancelCampaign}</button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canceling && <CancelDialog campaign={canceling} onClose={() => setCanceling(null)} />}
    </section>
  );
}

function CancelDialog({ campaign, onClose }: { campaign: CampaignProgressView; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <ReasonDialog
      id="cancel-campaign-title"
      title={t.messages.cancelTitle(campaign.name)}
      explain={t.messages.cancelExplain}
      closeLabel={t.messages.close}
      submitLabel={t.messages.cancelConfirm}
      send={(reason) => cancelCampaign(campaign.campaignId, reason)}
      refresh={CAMPAIGNS_KEY}
      onClose={onClose}
    />
  );
}
