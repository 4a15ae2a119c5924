// Live overview, the landing screen: payments per minute and their amounts (the last hour), per-channel
// success rate and p95 latency, the settlement lag, intents by status, each service's consumer lag and
// outbox backlog, and the dead letters; pushed by the console over server-sent events, so it moves
// without a reload. Every chart has its numbers in a table beside it.
import { useEffect, useMemo, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { Chart } from './chart.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { followOverview, getOverview } from './overview-api.ts';
import type { OverviewSnapshot, StreamState } from './overview-api.ts';

type Money = { amount: number; currency: string };

function useOverview(): { snapshot: OverviewSnapshot | null; state: StreamState } {
  const [snapshot, setSnapshot] = useState<OverviewSnapshot | null>(null);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    let current = true;
    // The first paint without waiting for the stream; the stream's own first event follows at once.
    void getOverview()
      .then((s) => current && setSnapshot((previous) => previous ?? s))
      .catch(() => undefined);
    const stop = followOverview(setSnapshot, setState);
    return () => {
      current = false;
      stop();
    };
  }, []);
  return { snapshot, state };
}

/** Sums per currency (amounts in different currencies never add up). */
function byCurrency(items: { currency: string; amount: number }[]): Money[] {
  const sums = new Map<string, number>();
  for (const i of items) sums.set(i.currency, (sums.get(i.currency) ?? 0) + i.amount);
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
}

export function Overview() {
  const { t, lang, formatMoney, formatNumber, formatTime } = useI18n();
  const o = t.overview;
  const { snapshot: s, state } = useOverview();
  const minuteFormat = useMemo(() => new Intl.DateTimeFormat(lang === 'ar' ? 'ar-SY' : 'en-GB', { timeZone: 'Asia/Damascus', hour: '2-digit', minute: '2-digit' }), [lang]);
  const minute = (iso: string) => minuteFormat.format(new Date(iso));
  const money = (list: Money[]) => (list.length === 0 ? '—' : list.map((m) => formatMoney(m)).join(' + '));
  const ms = (value: number | null) => (value === null ? '—' : o.seconds(formatNumber(value / 1000, { maximumFractionDigits: 1 })));
  const service = (name: string) => t.service[name] ?? name;

  const chart = useMemo((): EChartsCoreOption | null => {
    if (!s) return null;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: s.paymentsPerMinute.map((m) => minute(m.minute)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: o.payments, data: s.paymentsPerMinute.map((m) => m.count) }],
    };
  }, [s, lang, o.payments]);

  if (!s) {
    return (
      <section aria-labelledby="overview-title">
        <h2 id="overview-title">{o.title}</h2>
        <p role="status">{t.loading}</p>
      </section>
    );
  }

  const hour = s.paymentsPerMinute.flatMap((m) => m.byChannel);
  const hourTotal = hour.reduce((n, c) => n + c.count, 0);
  const perChannel = new Map<string, { count: number; amounts: { currency: string; amount: number }[] }>();
  for (const c of hour) {
    const entry = perChannel.get(c.channelId) ?? { count: 0, amounts: [] };
    entry.count += c.count;
    entry.amounts.push(c);
    perChannel.set(c.channelId, entry);
  }
  const busyMinutes = s.paymentsPerMinute.filter((m) => m.count > 0).reverse();

  return (
    <section aria-labelledby="overview-title" className="overview">
      <h2 id="overview-title">{o.title}</h2>
      <p>
        <span className={`live live-${state}`} role="status" data-testid="overview-live" data-state={state}>
          {o.streamState[state]}
        </span>
      </p>
      {!s.feed.connected && <p role="alert">{o.feedDown(s.feed.error ?? '')}</p>}
      <p>
        {o.updated(formatTime(s.generatedAt))}
        {s.lastEventAt && <> · {o.lastEvent(formatTime(s.lastEventAt))}</>}
      </p>

      <h3>{o.paymentsTitle}</h3>
      <p>
        {o.hourTotal}: <strong data-testid="overview-payments-total">{formatNumber(hourTotal)}</strong> · {money(byCurrency(hour))}
      </p>
      {chart && <Chart option={chart} label={o.chartLabel(formatNumber(hourTotal))} />}
      <table data-testid="overview-payments-by-channel">
        <caption>{o.byChannelCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{o.col.channel}</th>
            <th scope="col">{o.col.payments}</th>
            <th scope="col">{o.col.amount}</th>
          </tr>
        </thead>
        <tbody>
          {[...perChannel].sort(([a], [b]) => a.localeCompare(b)).map(([channelId, c]) => (
            <tr key={channelId} data-channel={channelId}>
              <th scope="row"><bdi>{channelId}</bdi></th>
              <td>{formatNumber(c.count)}</td>
              <td>{money(byCurrency(c.amounts))}</td>
            </tr>
          ))}
          {perChannel.size === 0 && <tr><td colSpan={3}>{o.none}</td></tr>}
        </tbody>
      </table>
      <table>
        <caption>{o.perMinuteCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{o.col.minute}</th>
            <th scope="col">{o.col.payments}</th>
            <th scope="col">{o.col.amount}</th>
          </tr>
        </thead>
        <tbody>
          {busyMinutes.map((m) => (
            <tr key={m.minute}>
              <th scope="row">{minute(m.minute)}</th>
              <td>{formatNumber(m.count)}</td>
              <td>{money(byCurrency(m.byChannel))}</td>
            </tr>
          ))}
          {busyMinutes.length === 0 && <tr><td colSpan={3}>{o.none}</td></tr>}
        </tbody>
      </table>

      <h3>{o.channelsTitle}</h3>
      <table data-testid="overview-channels">
        <caption>{o.channelsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{o.col.channel}</th>
            <th scope="col">{o.col.successRate}</th>
            <th scope="col">{o.col.succeeded}</th>
            <th scope="col">{o.col.failed}</th>
            <th scope="col">{o.col.p95Latency}</th>
            <th scope="col">{o.col.pushed}</th>
          </tr>
        </thead>
        <tbody>
          {s.channels.map((c) => (
            <tr key={c.channelId}>
              <th scope="row"><bdi>{c.channelId}</bdi></th>
              <td>{c.successRate === null ? '—' : formatNumber(c.successRate, { style: 'percent', maximumFractionDigits: 1 })}</td>
              <td>{formatNumber(c.succeeded)}</td>
              <td>{formatNumber(c.failed)}</td>
              <td>{ms(c.p95LatencyMs)}</td>
              <td>{formatNumber(c.pushed)}</td>
            </tr>
          ))}
          {s.channels.length === 0 && <tr><td colSpan={6}>{o.none}</td></tr>}
        </tbody>
      </table>

      <h3>{o.settlementTitle}</h3>
      <table>
        <caption>{o.settlementCaption}</caption>
        <tbody>
          <tr><th scope="row">{o.col.p50}</th><td>{ms(s.settlementLag.p50Ms)}</td></tr>
          <tr><th scope="row">{o.col.p95}</th><td>{ms(s.settlementLag.p95Ms)}</td></tr>
          <tr><th scope="row">{o.col.samples}</th><td>{formatNumber(s.settlementLag.samples)}</td></tr>
        </tbody>
      </table>

      <h3>{o.intentsTitle}</h3>
      <table data-testid="overview-intents">
        <caption>{s.intents.source === 'orchestration' ? o.intentsFromOrchestration : o.intentsFromEvents}</caption>
        <thead>
          <tr><th scope="col">{o.col.status}</th><th scope="col">{o.col.count}</th></tr>
        </thead>
        <tbody>
          {Object.entries(s.intents.counts).map(([status, n]) => (
            <tr key={status}><th scope="row">{o.intentStatus[status] ?? status}</th><td>{formatNumber(n)}</td></tr>
          ))}
        </tbody>
      </table>

      <h3>{o.servicesTitle}</h3>
      {!s.consumerLag.available && <p role="alert">{o.lagUnavailable(s.consumerLag.error ?? '')}</p>}
      <table data-testid="overview-lag">
        <caption>{o.lagCaption}</caption>
        <thead>
          <tr><th scope="col">{o.col.service}</th><th scope="col">{o.col.group}</th><th scope="col">{o.col.lag}</th></tr>
        </thead>
        <tbody>
          {s.consumerLag.services.flatMap((svc) =>
            svc.groups.length === 0
              ? [<tr key={svc.service}><th scope="row">{service(svc.service)}</th><td>—</td><td>{formatNumber(0)}</td></tr>]
              : svc.groups.map((g) => (
                  <tr key={g.groupId}><th scope="row">{service(svc.service)}</th><td><bdi>{g.groupId}</bdi></td><td>{formatNumber(g.lag)}</td></tr>
                )),
          )}
        </tbody>
      </table>
      <table data-testid="overview-outbox">
        <caption>{o.outboxCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{o.col.service}</th>
            <th scope="col">{o.col.waiting}</th>
            <th scope="col">{o.col.oldest}</th>
            <th scope="col">{o.col.parked}</th>
          </tr>
        </thead>
        <tbody>
          {s.outbox.map((b) => (
            <tr key={b.service}>
              <th scope="row">{service(b.service)}</th>
              {b.available ? (
                <>
                  <td>{formatNumber(b.unpublished)}</td>
                  <td>{b.oldestUnpublishedAt ? formatTime(b.oldestUnpublishedAt) : '—'}</td>
                  <td>{formatNumber(b.parked)}</td>
                </>
              ) : (
                <td colSpan={3}>{o.unavailable}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{o.deadLettersTitle}</h3>
      <table data-testid="overview-dead-letters">
        <caption>{o.deadLettersCaption(formatNumber(s.deadLetters.open.total))}</caption>
        <thead>
          <tr><th scope="col">{o.col.service}</th><th scope="col">{o.col.open}</th></tr>
        </thead>
        <tbody>
          {s.deadLetters.open.services.map((d) => (
            <tr key={d.service}>
              <th scope="row">{service(d.service)}</th>
              <td>{d.available ? (d.more ? o.more(formatNumber(d.open)) : formatNumber(d.open)) : o.unavailable}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!s.deadLetters.topics.available && <p role="alert">{o.lagUnavailable(s.deadLetters.topics.error ?? '')}</p>}
      <table data-testid="overview-dlq-topics">
        <caption>{o.dlqTopicsCaption(formatNumber(s.deadLetters.topics.total))}</caption>
        <thead>
          <tr><th scope="col">{o.col.topic}</th><th scope="col">{o.col.messages}</th></tr>
        </thead>
        <tbody>
          {s.deadLetters.topics.topics.map((d) => (
            <tr key={d.topic}><th scope="row"><bdi>{d.topic}</bdi></th><td>{formatNumber(d.messages)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
