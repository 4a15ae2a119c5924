// Find a payment: what the operator was told (a receipt number, a payment or intent id, a mobile, a
// channelTxnId, an account number) → the payments and intents it names → one payment's timeline across
// payment orchestration, billing and notification, with links between its entries (payment ↔ intent ↔
// bill ↔ SMS). The search and the chosen payment live in the URL hash (#find?q=…&id=…), so a link to a
// payment can be shared and survives a reload.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { paymentTimeline, searchPayments } from './find-payment-api.ts';
import type { MoneyValue, PaymentSummary, TimelineAnswer, TimelineEntry } from './find-payment-api.ts';
import { useI18n } from './i18n/i18n.tsx';

export const findScreenId = 'find';

/** The screen's parameters out of the hash (#find?q=…&id=…). */
function readHash(): { q: string; id: string } {
  const query = window.location.hash.split('?')[1] ?? '';
  const params = new URLSearchParams(query);
  return { q: params.get('q') ?? '', id: params.get('id') ?? '' };
}

export function findHref(q: string, id?: string): string {
  const params = new URLSearchParams({ q });
  if (id) params.set('id', id);
  return `#${findScreenId}?${params.toString()}`;
}

function useHashParams(): { q: string; id: string } {
  const [params, setParams] = useState(readHash);
  useEffect(() => {
    const follow = () => setParams(readHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return params;
}

export function FindPayment() {
  const { t } = useI18n();
  const { q, id } = useHashParams();
  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);
  const search = useQuery({ queryKey: ['find-payment', 'search', q], queryFn: () => searchPayments(q), enabled: q.trim() !== '' });
  // One result is the payment asked for: its timeline opens without another click.
  const only = search.data?.results.length === 1 ? search.data.results[0]! : null;
  const chosen = id || (only ? (only.paymentId ?? only.intentId ?? '') : '');

  function submit(event: FormEvent) {
    event.preventDefault();
    window.location.hash = findHref(typed.trim());
  }

  return (
    <section aria-labelledby="find-title" className="find-payment">
      <h2 id="find-title">{t.findPayment.title}</h2>
      <form role="search" onSubmit={submit} className="filters">
        <label>
          {t.findPayment.searchLabel}
          <input type="search" name="q" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="RC-20261207-000123" dir="ltr" />
        </label>
        <button type="submit">{t.findPayment.searchButton}</button>
      </form>
      <p className="hint-inline">{t.findPayment.hint}</p>
      {search.isFetching && <p role="status">{t.loading}</p>}
      {search.isError && <p role="alert" className="error">{search.error.message || t.unexpectedError}</p>}
      {search.data && !search.data.available && (
        <p className="error" data-testid="unavailable">{t.serviceUnavailable}: <bdi>{search.data.error}</bdi></p>
      )}
      {search.data?.available && (
        <>
          <p>{t.findPayment.searchedBy(search.data.searchedBy.map((k) => t.findPayment.keys[k] ?? k).join(t.findPayment.or))}</p>
          {search.data.results.length === 0 ? <p>{t.findPayment.noResults}</p> : <Results q={q} results={search.data.results} chosen={chosen} />}
        </>
      )}
      {chosen !== '' && <Timeline id={chosen} q={q} />}
    </section>
  );
}

function Results({ q, results, chosen }: { q: string; results: PaymentSummary[]; chosen: string }) {
  const { t, formatMoney, formatTime } = useI18n();
  return (
    <table className="channels" data-testid="find-results">
      <thead>
        <tr>
          <th scope="col">{t.findPayment.col.what}</th>
          <th scope="col">{t.findPayment.col.amount}</th>
          <th scope="col">{t.findPayment.col.account}</th>
          <th scope="col">{t.findPayment.col.channel}</th>
          <th scope="col">{t.findPayment.col.status}</th>
          <th scope="col">{t.findPayment.col.at}</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => {
          const target = r.paymentId ?? r.intentId ?? '';
          return (
            <tr key={target} aria-selected={target === chosen}>
              <td>
                <a href={findHref(q, target)}>
                  <bdi>{r.receiptNo ?? r.intentId}</bdi>
                </a>{' '}
                <span className="hint-inline">{r.kind === 'payment' ? t.findPayment.payment : t.findPayment.intent}</span>
              </td>
              <td>{formatMoney(r.amount)}</td>
              <td><bdi>{r.accountNo}</bdi></td>
              <td><bdi>{r.channelId}</bdi></td>
              <td>{t.findPayment.status[r.status] ?? r.status}</td>
              <td>{formatTime(r.at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const isMoney = (value: unknown): value is MoneyValue => typeof value === 'object' && value !== null && 'amount' in value && 'currency' in value;

/** The entry another entry links to: the first one of `kinds` that shares the id. */
function linkTarget(entries: TimelineEntry[], from: number, key: keyof TimelineEntry['ids'], kinds: readonly string[]): number {
  const value = entries[from]!.ids[key];
  if (value === undefined) return -1;
  return entries.findIndex((e, i) => i !== from && kinds.includes(e.kind) && e.ids[key] === value);
}

const links = [
  { key: 'paymentId', kinds: ['payment.recorded'], label: 'payment' },
  { key: 'intentId', kinds: ['intent.created'], label: 'intent' },
  { key: 'billId', kinds: ['payment.allocation', 'bill.applied', 'bill.settled'], label: 'bill' },
  { key: 'messageId', kinds: ['sms.queued', 'sms.delivery-receipt'], label: 'sms' },
] as const;

function Timeline({ id, q }: { id: string; q: string }) {
  const { t, formatMoney, formatTime } = useI18n();
  const timeline = useQuery({ queryKey: ['find-payment', 'timeline', id], queryFn: () => paymentTimeline(id), refetchInterval: 10_000 });
  if (timeline.isPending) return <p role="status">{t.loading}</p>;
  if (timeline.isError) return <p role="alert" className="error">{timeline.error.message || t.unexpectedError}</p>;
  const data: TimelineAnswer = timeline.data;
  const head = data.payment ?? data.intent;

  function jump(index: number) {
    const element = document.getElementById(`timeline-entry-${index}`);
    element?.scrollIntoView({ block: 'center' });
    element?.focus();
  }

  return (
    <section aria-labelledby="timeline-title" data-testid="timeline">
      <h3 id="timeline-title">
        {t.findPayment.timelineTitle} <bdi>{data.payment?.receiptNo ?? data.intent?.intentId ?? id}</bdi>
      </h3>
      {head && (
        <p>
          {formatMoney(head.amount)} · <bdi>{head.channelId}</bdi> · {t.findPayment.status[head.status] ?? head.status}
          {data.payment?.intentId && (
            <>
              {' · '}
              <a href={findHref(q, data.payment.intentId)}>{t.findPayment.link.intent}</a>
            </>
          )}
        </p>
      )}
      {(Object.keys(data.services) as (keyof TimelineAnswer['services'])[])
        .filter((s) => !data.services[s].available)
        .map((s) => (
          <p key={s} className="error" data-testid={`unavailable-${s}`}>
            {t.service[s] ?? s}: {t.findPayment.partUnavailable} (<bdi>{data.services[s].error}</bdi>)
          </p>
        ))}
      <ol className="timeline">
        {data.entries.map((entry, index) => (
          <li key={index} id={`timeline-entry-${index}`} tabIndex={-1} data-kind={entry.kind} data-service={entry.service}>
            <div className="timeline-head">
              <time dateTime={entry.at}>{formatTime(entry.at)}</time>
              <span className="timeline-service">{t.service[entry.service] ?? entry.service}</span>
              <strong>{t.findPayment.kinds[entry.kind] ?? entry.kind}</strong>
            </div>
            <dl className="audit-detail">
              {Object.entries(entry.data)
                .filter(([, value]) => value !== null && value !== '')
                .map(([name, value]) => (
                  <div key={name}>
                    <dt>{t.findPayment.fields[name] ?? name}</dt>
                    <dd>{isMoney(value) ? formatMoney(value) : name.endsWith('At') && typeof value === 'string' ? formatTime(value) : <bdi>{t.findPayment.values[value as string] ?? value}</bdi>}</dd>
                  </div>
                ))}
            </dl>
            <div className="timeline-links">
              {links.map((link) => {
                const target = linkTarget(data.entries, index, link.key, link.kinds);
                return target === -1 ? null : (
                  <button key={link.key} type="button" className="link" onClick={() => jump(target)}>
                    {t.findPayment.link[link.label]}
                  </button>
                );
              })}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
