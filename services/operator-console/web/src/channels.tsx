// Channels: each bank and wallet with its breaker state, who forced it off and why; force-off and
// force-on only for roles that may act (the backend refuses the others anyway).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CHANNELS_KEY, listChannels } from './api.ts';
import type { Channel } from './api.ts';
import { ForceDialog } from './force-dialog.tsx';
import { useI18n } from './i18n/i18n.tsx';



export function Channels({ canAct }: { canAct: boolean }) {
  const { t, formatTime } = useI18n();
  const channels = useQuery({ queryKey: CHANNELS_KEY, queryFn: listChannels, refetchInterval: 10_000 });
  const [acting, setActing] = useState<{ channel: Channel; action: 'force-off' | 'force-on' } | null>(null);

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">{t.channelsTitle}</h2>
      {channels.isPending && <p role="status">{t.loading}</p>}
      {channels.isError && <p role="alert">{t.unexpectedError}</p>}
      {channels.data && (
        <table className="channels">
          <thead>
            <tr>
              <th scope="col">{t.col.channel}</th>
              <th scope="col">{t.col.kind}</th>
              <th scope="col">{t.col.state}</th>
              <th scope="col">{t.col.forcedOff}</th>
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
      {acting && <ForceDialog channel={acting.channel} action={acting.action} onClose={() => setActing(null)} />}
    </section>
  );
}
