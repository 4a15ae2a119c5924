// Channels: each bank and wallet with its breaker state, who forced it off and why, and its recent
// numbers (the last 15 minutes of debits: success rate, p95 latency; the unknown outcomes being
// resolved now); a history panel per channel (breaker transitions and operators' force-off/on,
// newest first). Force-off and force-on only for roles that may act (the backend refuses the others anyway).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CHANNELS_KEY } from './api.ts';
import type { Channel } from './api.ts';
import { channelDetails, listChannelsWithStats } from './channels-api.ts';
import type { ChannelStats, ChannelWithStats } from './channels-api.ts';
import { ForceDialog } from './force-dialog.tsx';
import { useI18n } from './i18n/i18n.tsx';

export function Channels({ canAct }: { canAct: boolean }) {
  const { t, formatTime } = useI18n();
  const channels = useQuery({ queryKey: CHANNELS_KEY, queryFn: listChannelsWithStats, refetchInterval: 10_000 });
  const [acting, setActing] = useState<{ channel: Channel; action: 'force-off' | 'force-on' } | null>(null);
  const [shown, setShown] = useState<ChannelWithStats | null>(null);
  const windowMinutes = channels.data?.find((c) => c.stats !== null)?.stats?.windowMinutes;

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">{t.channelsTitle}</h2>
      {channels.isPending && <p role="status">{t.loading}</p>}
      {channels.isError && <p role="alert">{t.unexpectedError}</p>}
      {channels.data && (
        <table className="channels">
          {windowMinutes !== undefined && <caption>{t.channelInsights.window(windowMinutes)}</caption>}
          <thead>
            <tr>
              <th scope="col">{t.col.channel}</th>
              <th scope="col">{t.col.kind}</th>
              <th scope="col">{t.col.state}</th>
              <th scope="col">{t.col.forcedOff}</th>
              <th scope="col">{t.channelInsights.col.debits}</th>
              <th scope="col">{t.channelInsights.col.successRate}</th>
              <th scope="col">{t.channelInsights.col.p95}</th>
              <th scope="col">{t.channelInsights.col.resolving}</th>
              <th scope="col">{t.channelInsights.col.history}</th>
              {canAct && <th scope="col">{t.col.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {channels.data.map((channel) => (
              <tr key={channel.channelId} data-channel={channel.channelId}>
                <th scope="row">{channel.displayName} <bdi className="channel-id">({channel.channelId})</bdi></th>
                <td>{t.kind[channel.kind] ?? channel.kind}</td>
                <td>
                  <span className={`state state-${channel.state}`} data-state={channel.state}>{t.state[channel.state] ?? channel.state}</span>
                </td>
                <td>{channel.forcedOff ? t.forcedOffBy(channel.forcedOff.by, formatTime(channel.forcedOff.at), channel.forcedOff.reason) : '—'}</td>
                <StatsCells stats={channel.stats} />
                <td>
                  <button type="button" aria-expanded={shown?.channelId === channel.channelId} onClick={() => setShown(shown?.channelId === channel.channelId ? null : channel)}>
                    {t.channelInsights.show}
                  </button>
                </td>
                {canAct && (
                  <td>
                    {channel.forcedOff ? (
                      <button type="button" onClick={() => setActing({ channel, action: 'force-on' })}>{t.forceOn}</button>
                    ) : (
                      <button type="button" onClick={() => setActing({ channel, action: 'force-off' })}>{t.forceOff}</button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <HistoryPanel channel={shown} onClose={() => setShown(null)} />}
      {acting && <ForceDialog channel={acting.channel} action={acting.action} onClose={() => setActing(null)} />}
    </section>
  );
}

function StatsCells({ stats }: { stats: ChannelStats | null }) {
  const { t, formatNumber } = useI18n();
  if (stats === null) {
    return (
      <td colSpan={4} className="note">
        {t.channelInsights.noStats}
      </td>
    );
  }
  return (
    <>
      <td data-testid="channel-debits">{t.channelInsights.debits(formatNumber(stats.attempted), formatNumber(stats.succeeded), formatNumber(stats.failed))}</td>
      <td data-testid="channel-success-rate">{stats.successRate === null ? '—' : formatNumber(stats.successRate, { style: 'percent', maximumFractionDigits: 1 })}</td>
      <td data-testid="channel-p95">{stats.p95LatencyMs === null ? '—' : t.channelInsights.ms(formatNumber(stats.p95LatencyMs))}</td>
      <td data-testid="channel-resolving">{formatNumber(stats.resolving)}</td>
    </>
  );
}

function HistoryPanel({ channel, onClose }: { channel: ChannelWithStats; onClose: () => void }) {
  const { t, formatTime, formatMoney, formatNumber } = useI18n();
  // Under CHANNELS_KEY: a force-off/on (which invalidates the channels) refreshes the history too.
  const details = useQuery({ queryKey: [...CHANNELS_KEY, channel.channelId], queryFn: () => channelDetails(channel.channelId), refetchInterval: 10_000 });
  const stateName = (s: string) => t.state[s] ?? s;
  return (
    <section className="channel-history" aria-labelledby="channel-history-title" data-testid="channel-history" data-channel={channel.channelId}>
      <h3 id="channel-history-title">{t.channelInsights.historyTitle(channel.displayName)}</h3>
      <button type="button" onClick={onClose}>{t.channelInsights.close}</button>
      {details.isPending && <p role="status">{t.loading}</p>}
      {details.isError && <p role="alert" className="error">{details.error.message || t.unexpectedError}</p>}
      {details.data && (
        <>
          {details.data.transitions.length === 0 ? (
            <p>{t.channelInsights.noHistory}</p>
          ) : (
            <table>
              <caption>{t.channelInsights.transitionsCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.channelInsights.col.at}</th>
                  <th scope="col">{t.channelInsights.col.change}</th>
                  <th scope="col">{t.channelInsights.col.by}</th>
                  <th scope="col">{t.channelInsights.col.reason}</th>
                </tr>
              </thead>
              <tbody>
                {details.data.transitions.map((tr, i) => (
                  <tr key={`${tr.at}-${i}`} data-testid="channel-transition" data-to={tr.to}>
                    <td>{formatTime(tr.at)}</td>
                    <td>{t.channelInsights.change(stateName(tr.from), stateName(tr.to))}</td>
                    <td><bdi>{tr.actor ?? t.channelInsights.breaker}</bdi></td>
                    <td><bdi>{tr.reason ?? '—'}</bdi></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h4>{t.channelInsights.resolvingTitle}</h4>
          {details.data.resolving.length === 0 ? (
            <p>{t.channelInsights.noResolving}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.channelInsights.col.intent}</th>
                  <th scope="col">{t.channelInsights.col.amount}</th>
                  <th scope="col">{t.channelInsights.col.unknownSince}</th>
                  <th scope="col">{t.channelInsights.col.attempts}</th>
                  <th scope="col">{t.channelInsights.col.nextInquiry}</th>
                  <th scope="col">{t.channelInsights.col.lastError}</th>
                </tr>
              </thead>
              <tbody>
                {details.data.resolving.map((d) => (
                  <tr key={d.reference}>
                    <td><bdi>{d.intentId}</bdi></td>
                    <td>{formatMoney(d.amount)}</td>
                    <td>{d.unknownSince ? formatTime(d.unknownSince) : '—'}</td>
                    <td>{formatNumber(d.attempts)}</td>
                    <td>{d.nextInquiryAt ? formatTime(d.nextInquiryAt) : '—'}</td>
                    <td><bdi>{d.lastError ?? '—'}</bdi></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
