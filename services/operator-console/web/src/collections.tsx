// Fees and collections: what the gateway collected for each biller over a range of Damascus days (by
// default the current month), the telecom's bills and each government fee biller's side by side: bills
// issued, bills paid and the money collected. A screen of its own rather than a part of Adoption:
// Adoption follows one billing cycle of the telecom's bills (the move away from cash), while this is
// the cash every biller took in over days, the figure a finance or fee-desk operator reconciles
// against the billers' own books. Below, the fee orders themselves (fee-orders.tsx). Billing counts;
// this only shows.
import { Fragment, useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { addDays, businessDateOf, collectionsMaxDays, daysBetween } from '@gateway/contracts';
import { ApiError } from './api.ts';
import { getCollections } from './collections-api.ts';
import { FeeOrders } from './fee-orders.tsx';
import { useI18n } from './i18n/i18n.tsx';

type Money = { amount: number; currency: string };
type Range = { from: string; to: string };

const isDate = (s: string | null): s is string => s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The current month in Asia/Damascus, first to last day. */
function currentMonth(): Range {
  const today = businessDateOf(new Date());
  const from = `${today.slice(0, 7)}-01`;
  const nextMonth = addDays(from, 31);
  return { from, to: addDays(`${nextMonth.slice(0, 7)}-01`, -1) };
}

/** The range named in the URL (#collections?from=&to=), so a reload or a shared link shows the same one. */
function rangeInUrl(): Range {
  const params = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const from = params.get('from');
  const to = params.get('to');
  return isDate(from) && isDate(to) ? { from, to } : currentMonth();
}

export function CollectionsScreen() {
  const { t, formatTime, formatMoney, formatNumber } = useI18n();
  const [range, setRange] = useState<Range>(rangeInUrl);
  const [draft, setDraft] = useState<Range>(range);
  const collections = useQuery({ queryKey: ['collections', range.from, range.to], queryFn: () => getCollections(range.from, range.to), refetchInterval: 60_000 });
  const c = collections.data;

  const money = (list: Money[]) => (list.length === 0 ? formatNumber(0) : list.map((m) => formatMoney(m)).join(' + '));
  const billerName = (id: string) => t.collections.biller[id] ?? id;
  const serviceName = (code: string) => t.collections.service[code] ?? code;
  const draftProblem =
    !isDate(draft.from) || !isDate(draft.to) ? t.collections.needBoth : draft.from > draft.to ? t.collections.reversed : daysBetween(draft.from, draft.to) >= collectionsMaxDays ? t.collections.tooLong(collectionsMaxDays) : null;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (draftProblem !== null) return;
    window.history.replaceState(null, '', `#collections?from=${draft.from}&to=${draft.to}`);
    setRange(draft);
  };

  return (
    <section aria-labelledby="collections-title">
      <h2 id="collections-title">{t.collections.title}</h2>
      <p>{t.collections.explain}</p>
      <form className="filters" onSubmit={apply} aria-label={t.collections.range}>
        <label>
          {t.collections.from}
          <input type="date" value={draft.from} required onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="collections-from" />
        </label>
        <label>
          {t.collections.to}
          <input type="date" value={draft.to} required onChange={(e) => setDraft({ ...draft, to: e.target.value })} data-testid="collections-to" />
        </label>
        <button type="submit" disabled={draftProblem !== null}>{t.collections.show}</button>
        {draftProblem !== null && <span className="hint-inline" role="status">{draftProblem}</span>}
      </form>
      {collections.isPending && <p role="status">{t.loading}</p>}
      {collections.isError && (
        <p role="alert" className="error">
          {collections.error instanceof ApiError && collections.error.code === 'service_unavailable' ? t.collections.billingDown : collections.error.message || t.unexpectedError}
        </p>
      )}
      {c && (
        <>
          <p className="hint-inline" data-testid="collections-range">{t.collections.rangeShown(c.from, c.to, formatTime(c.asOf))}</p>
          {c.billers.length === 0 ? (
            <p>{t.collections.nothing}</p>
          ) : (
            <table className="channels" data-testid="collections-billers">
              <caption className="hint-inline" style={{ textAlign: 'start' }}>{t.collections.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.collections.col.biller}</th>
                  <th scope="col">{t.collections.col.issued}</th>
                  <th scope="col">{t.collections.col.amountIssued}</th>
                  <th scope="col">{t.collections.col.paid}</th>
                  <th scope="col">{t.collections.col.collected}</th>
                </tr>
              </thead>
              <tbody>
                {c.billers.map((b) => (
                  <Fragment key={b.billerId}>
                    <tr data-biller={b.billerId}>
                      <th scope="row"><bdi>{billerName(b.billerId)}</bdi> <bdi className="channel-id">{b.billerId}</bdi></th>
                      <td data-cell="issued">{formatNumber(b.billsIssued)}</td>
                      <td>{money(b.amountIssued)}</td>
                      <td data-cell="paid">{formatNumber(b.billsPaid)}</td>
                      <td data-cell="collected">{money(b.amountCollected)}</td>
                    </tr>
                    {b.services.map((s) => (
                      <tr key={s.serviceCode} data-biller={b.billerId} data-service={s.serviceCode} className="hint-inline">
                        <th scope="row" style={{ paddingInlineStart: '1.5rem' }}><bdi>{serviceName(s.serviceCode)}</bdi></th>
                        <td data-cell="issued">{formatNumber(s.billsIssued)}</td>
                        <td>{money(s.amountIssued)}</td>
                        <td data-cell="paid">{formatNumber(s.billsPaid)}</td>
                        <td data-cell="collected">{money(s.amountCollected)}</td>
                      </tr>
                    ))}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <FeeOrders feeBillers={c?.billers.filter((b) => b.services.length > 0).map((b) => b.billerId) ?? []} />
    </section>
  );
}
