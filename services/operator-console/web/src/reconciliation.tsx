// Reconciliation: a channel's business day (by default yesterday in Damascus) matched by payment
// orchestration against the channel's settlement file: pending, matched or with exceptions; both
// sides' count and amount; each exception with its kind, reference, both sides' evidence and what was
// done about it. An open exception is resolved by an operator (accept, record_payment, refund,
// write_off) with a note; orchestration's refusal (a 409: already resolved, superseded, an action it
// cannot do) is shown in the dialog as it says it. Viewers read only.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { addDays, businessDateOf, reconciliationActions } from '@gateway/contracts';
import { CHANNELS_KEY } from './api.ts';
import { listChannelsWithStats } from './channels-api.ts';
import { Evidence } from './evidence.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { ReasonDialog } from './reason-dialog.tsx';
import { getReconciliation, resolveException } from './reconciliation-api.ts';
import type { ReconciliationAction, ReconciliationException } from './reconciliation-api.ts';

const RECONCILIATION_KEY = 'reconciliation';

export function ReconciliationScreen({ canAct }: { canAct: boolean }) {
  const { t, formatMoney, formatTime, formatNumber } = useI18n();
  const channels = useQuery({ queryKey: CHANNELS_KEY, queryFn: listChannelsWithStats });
  const [chosen, setChosen] = useState<string | null>(null);
  // Business dates are Damascus calendar days; the channels' cut-offs are orchestration's configuration.
  const [businessDate, setBusinessDate] = useState(() => addDays(businessDateOf(new Date()), -1));
  const channelId = chosen ?? channels.data?.[0]?.channelId ?? null;
  const day = useQuery({
    queryKey: [RECONCILIATION_KEY, channelId, businessDate],
    queryFn: () => getReconciliation(channelId!, businessDate),
    enabled: channelId !== null && /^\d{4}-\d{2}-\d{2}$/.test(businessDate),
    refetchInterval: 15_000,
  });
  const [acting, setActing] = useState<{ exception: ReconciliationException; action: ReconciliationAction } | null>(null);
  const currency = day.data?.ours.amount.currency;

  return (
    <section aria-labelledby="reconciliation-title">
      <h2 id="reconciliation-title">{t.reconciliation.title}</h2>
      <p>{t.reconciliation.explain}</p>
      <div className="filters">
        <label>
          {t.reconciliation.channel}
          <select value={channelId ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {channels.data?.map((c) => (
              <option key={c.channelId} value={c.channelId}>{c.displayName} ({c.channelId})</option>
            ))}
          </select>
        </label>
        <label>
          {t.reconciliation.businessDate}
          <input type="date" value={businessDate} required onChange={(e) => setBusinessDate(e.target.value)} />
        </label>
      </div>
      {channels.isError && <p role="alert" className="error">{channels.error.message || t.unexpectedError}</p>}
      {day.isPending && channelId !== null && <p role="status">{t.loading}</p>}
      {day.isError && <p role="alert" className="error">{day.error.message || t.unexpectedError}</p>}
      {day.data && (
        <>
          <p>
            <span className={`state recon-${day.data.status}`} data-testid="reconciliation-status" data-status={day.data.status}>
              {t.reconciliation.status[day.data.status]}
            </span>{' '}
            {day.data.file ? t.reconciliation.file(formatTime(day.data.file.fetchedAt), day.data.file.sha256.slice(0, 12)) : t.reconciliation.noFile}
          </p>
          <table data-testid="reconciliation-totals">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">{t.reconciliation.count}</th>
                <th scope="col">{t.reconciliation.amount}</th>
              </tr>
            </thead>
            <tbody>
              <tr data-side="ours"><th scope="row">{t.reconciliation.ours}</th><td>{formatNumber(day.data.ours.count)}</td><td>{formatMoney(day.data.ours.amount)}</td></tr>
              <tr data-side="theirs"><th scope="row">{t.reconciliation.theirs}</th><td>{formatNumber(day.data.theirs.count)}</td><td>{formatMoney(day.data.theirs.amount)}</td></tr>
            </tbody>
          </table>
          {day.data.exceptions.length === 0 ? (
            <p data-testid="reconciliation-no-exceptions">{t.reconciliation.noExceptions}</p>
          ) : (
            <table className="channels">
              <caption>{t.reconciliation.exceptionsCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.reconciliation.col.kind}</th>
                  <th scope="col">{t.reconciliation.col.reference}</th>
                  <th scope="col">{t.reconciliation.ours}</th>
                  <th scope="col">{t.reconciliation.theirs}</th>
                  <th scope="col">{t.reconciliation.col.status}</th>
                  {canAct && <th scope="col">{t.col.actions}</th>}
                </tr>
              </thead>
              <tbody>
                {day.data.exceptions.map((e) => (
                  <tr key={e.exceptionId} data-exception={e.exceptionId} data-reference={e.reference} data-status={e.status}>
                    <td>{t.reconciliation.kind[e.kind]}</td>
                    <td><bdi dir="ltr">{e.reference}</bdi></td>
                    <td><Evidence evidence={e.ours} currency={currency} /></td>
                    <td><Evidence evidence={e.theirs} currency={currency} /></td>
                    <td data-testid="exception-status">
                      {t.reconciliation.exceptionStatus[e.status]}
                      {e.resolution && (
                        <>
                          <br />
                          {t.reconciliation.resolution(t.reconciliation.action[e.resolution.action] ?? e.resolution.action, e.resolution.by, formatTime(e.resolution.at))}
                          <br />
                          <bdi>{e.resolution.note}</bdi>
                        </>
                      )}
                    </td>
                    {canAct && (
                      <td className="actions">
                        {e.status === 'open' &&
                          reconciliationActions.map((action) => (
                            <button key={action} type="button" onClick={() => setActing({ exception: e, action })}>{t.reconciliation.action[action]}</button>
                          ))}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {acting && (
        <ReasonDialog
          id="resolve-title"
          title={t.reconciliation.resolveTitle(t.reconciliation.action[acting.action] ?? acting.action, acting.exception.reference)}
          explain={t.reconciliation.actionExplain[acting.action]}
          label={t.reconciliation.note}
          closeLabel={t.cancel}
          submitLabel={t.reconciliation.resolve}
          send={(note) => resolveException(acting.exception.exceptionId, acting.action, note)}
          refresh={[RECONCILIATION_KEY]}
          onClose={() => setActing(null)}
        />
      )}
    </section>
  );
}
