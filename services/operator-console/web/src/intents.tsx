// Intents needing a person: the reconciliation queue, newest first, each intent with why it is there
// and the evidence: what orchestration recorded (the queue entries, the last error, the inquiries the
// adapter reported) and the channel's side as the bank adapter recorded the debit. One action, for
// operators: the refund of an intent debited whose payment was refused and not yet given back
// (orchestration's operator refund; it refuses any other intent with a 409 the dialog shows).
import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useI18n } from './i18n/i18n.tsx';
import { listIntentQueue, refundIntent } from './intents-api.ts';
import { ReasonDialog } from './reason-dialog.tsx';
import type { AdapterDebit, QueuedIntent } from './intents-api.ts';

export const INTENTS_KEY = ['intents', 'reconciliation'];

export function IntentsScreen({ canAct }: { canAct: boolean }) {
  const { t } = useI18n();
  const queue = useInfiniteQuery({
    queryKey: INTENTS_KEY,
    queryFn: ({ pageParam }) => listIntentQueue(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });
  const pages = queue.data?.pages ?? [];
  const intents = pages.flatMap((p) => p.intents);
  const debitsMissing = pages.some((p) => !p.debitsAvailable);
  const [refunding, setRefunding] = useState<QueuedIntent | null>(null);

  return (
    <section aria-labelledby="intents-title">
      <h2 id="intents-title">{t.intents.title}</h2>
      <p>{t.intents.explain}</p>
      <p className="note" data-testid="intents-actions-note">{t.intents.actionsNote}</p>
      {queue.isPending && <p role="status">{t.loading}</p>}
      {queue.isError && <p role="alert" className="error">{queue.error.message || t.unexpectedError}</p>}
      {debitsMissing && <p className="error" data-testid="intents-debits-missing">{t.intents.debitsUnavailable}</p>}
      {queue.isSuccess && intents.length === 0 && <p data-testid="intents-empty">{t.intents.empty}</p>}
      {intents.map((intent) => (
        <IntentCard key={intent.intentId} intent={intent} onRefund={canAct ? () => setRefunding(intent) : undefined} />
      ))}
      {queue.hasNextPage && (
        <button type="button" onClick={() => void queue.fetchNextPage()} disabled={queue.isFetchingNextPage}>
          {t.intents.older}
        </button>
      )}
      {refunding && (
        <ReasonDialog
          id="refund-title"
          title={t.intents.refundTitle(refunding.intentId)}
          explain={t.intents.refundExplain}
          closeLabel={t.cancel}
          submitLabel={t.intents.refundAction}
          send={(reason) => refundIntent(refunding.intentId, reason)}
          refresh={INTENTS_KEY}
          onClose={() => setRefunding(null)}
        />
      )}
    </section>
  );
}

/** `onRefund`: the person may act; offered for a debit whose payment was refused and that no refund is giving back. */
function IntentCard({ intent, onRefund }: { intent: QueuedIntent; onRefund: (() => void) | undefined }) {
  const { t, formatMoney, formatTime } = useI18n();
  const ev = intent.evidence;
  const payer = intent.payer?.msisdn ?? intent.payer?.accountNo ?? '—';
  return (
    <article className="intent" data-intent={intent.intentId} aria-labelledby={`intent-${intent.intentId}`}>
      <h3 id={`intent-${intent.intentId}`}>
        <span data-testid="intent-reason" data-reason={intent.reason}>{t.intents.reason[intent.reason] ?? intent.reason}</span>{' '}
        <bdi className="channel-id">{intent.intentId}</bdi>
      </h3>
      <table className="intent-facts">
        <tbody>
          <tr><th scope="row">{t.intents.col.since}</th><td>{formatTime(intent.since)}</td></tr>
          <tr>
            <th scope="row">{t.intents.col.status}</th>
            <td>{intent.status === null ? t.intents.unknownIntent : (t.intents.status[intent.status] ?? intent.status)}</td>
          </tr>
          <tr>
            <th scope="row">{t.intents.col.amount}</th>
            <td>
              {intent.amount ? formatMoney(intent.amount) : '—'}
              {intent.fee && intent.fee.amount > 0 && ` + ${formatMoney(intent.fee)}`}
            </td>
          </tr>
          <tr><th scope="row">{t.intents.col.channel}</th><td><bdi>{intent.channelId}</bdi></td></tr>
          <tr><th scope="row">{t.intents.col.payer}</th><td><bdi dir="ltr">{payer}</bdi></td></tr>
          <tr><th scope="row">{t.intents.col.account}</th><td><bdi dir="ltr">{intent.accountNo ?? '—'}</bdi></td></tr>
          <tr><th scope="row">{t.intents.col.bills}</th><td><bdi dir="ltr">{intent.billIds.join(', ') || '—'}</bdi></td></tr>
          <tr><th scope="row">{t.intents.col.detail}</th><td data-testid="intent-detail"><bdi>{intent.detail || '—'}</bdi></td></tr>
        </tbody>
      </table>
      <h4>{t.intents.orchestrationSide}</h4>
      <ul data-testid="intent-evidence">
        <li>{t.intents.inquiries(ev.inquiryAttempts)}</li>
        {ev.unknownSince && <li>{t.intents.unknownSince(formatTime(ev.unknownSince))}</li>}
        {ev.lastError && <li>{t.intents.lastError(ev.lastError.reason, ev.lastError.message)}</li>}
        {ev.channelTxnId && <li>{t.intents.channelTxn(ev.channelTxnId)}</li>}
        {ev.refundStatus && <li>{t.intents.refund(t.intents.refundStatus[ev.refundStatus] ?? ev.refundStatus)}</li>}
        {ev.entries.map((e) => (
          <li key={`${e.reason}-${e.openedAt}`}>
            {t.intents.entry(t.intents.reason[e.reason] ?? e.reason, formatTime(e.openedAt), t.intents.moneyMoved[e.moneyMoved] ?? e.moneyMoved)}
            {e.channelId !== intent.channelId && ` (${e.channelId})`}
            {e.amount && ` ${formatMoney(e.amount)}`}
            {e.channelTxnId && ` · ${t.intents.channelTxn(e.channelTxnId)}`}
            {e.resolvedAt && ` — ${t.intents.resolved(formatTime(e.resolvedAt), e.resolution ?? '')}`}
          </li>
        ))}
      </ul>
      <h4>{t.intents.adapterSide}</h4>
      {intent.debits.length === 0 ? <p>{t.intents.noDebit}</p> : intent.debits.map((d) => <DebitEvidence key={d.reference} debit={d} />)}
      {onRefund && intent.reason === 'payment_refused' && ev.refundStatus === null && (
        <div className="actions">
          <button type="button" onClick={onRefund}>{t.intents.refundAction}</button>
        </div>
      )}
    </article>
  );
}

function DebitEvidence({ debit }: { debit: AdapterDebit }) {
  const { t, formatMoney, formatTime } = useI18n();
  return (
    <ul data-testid="intent-debit" data-state={debit.state}>
      <li>{t.intents.debitState(t.intents.debitStates[debit.state] ?? debit.state, formatMoney(debit.amount))}</li>
      {debit.sentAt && <li>{t.intents.sentAt(formatTime(debit.sentAt))}</li>}
      {debit.answeredAt && <li>{t.intents.answeredAt(formatTime(debit.answeredAt))}</li>}
      {debit.failure && <li>{t.intents.failure([debit.failure.reason, debit.failure.code, debit.failure.message].filter(Boolean).join(' · '))}</li>}
      {debit.channelTxnId && <li>{t.intents.channelTxn(debit.channelTxnId)}</li>}
      <li>{t.intents.inquiries(debit.inquiryAttempts)}</li>
      {debit.lastError && <li>{t.intents.lastError('', debit.lastError)}</li>}
      {debit.nextInquiryAt && <li>{t.intents.nextInquiry(formatTime(debit.nextInquiryAt))}</li>}
    </ul>
  );
}
