// Complaints: payment orchestration's queue of one status, the nearest due first, each with its type,
// the customer's mobile, its references (a payment or intent opens its Find-a-payment timeline), its
// turnaround clock (the time left, or how long overdue, ticking; overdue ones highlighted, escalated
// ones flagged) and what the automatic check found. Operators assign one to themselves, resolve it
// (the resolution the customer is told), escalate or reject it; orchestration audits each with the
// person. Viewers read only.
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { complaintStatuses } from '@gateway/contracts';
import { listComplaints, workComplaint } from './complaints-api.ts';
import type { ComplaintAction, ComplaintStatus, QueuedComplaint } from './complaints-api.ts';
import { Evidence } from './evidence.tsx';
import { findHref } from './find-payment.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { ReasonDialog } from './reason-dialog.tsx';

const COMPLAINTS_KEY = 'complaints';
const open = (c: QueuedComplaint) => c.status !== 'resolved' && c.status !== 'rejected';

/** The time now, renewed every 30 seconds, so each complaint's clock moves without a refetch. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function ComplaintsScreen({ canAct }: { canAct: boolean }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<ComplaintStatus>('logged');
  const queue = useQuery({ queryKey: [COMPLAINTS_KEY, status], queryFn: () => listComplaints(status), refetchInterval: 15_000 });
  const now = useNow();
  const [acting, setActing] = useState<{ complaint: QueuedComplaint; action: Exclude<ComplaintAction, 'assign'> } | null>(null);

  return (
    <section aria-labelledby="complaints-title">
      <h2 id="complaints-title">{t.complaints.title}</h2>
      <p>{t.complaints.explain}</p>
      <div className="filters">
        <label>
          {t.complaints.statusFilter}
          <select value={status} onChange={(e) => setStatus(e.target.value as ComplaintStatus)}>
            {complaintStatuses.map((s) => (
              <option key={s} value={s}>{t.complaints.status[s]}</option>
            ))}
          </select>
        </label>
      </div>
      {queue.isPending && <p role="status">{t.loading}</p>}
      {queue.isError && <p role="alert" className="error">{queue.error.message || t.unexpectedError}</p>}
      {queue.isSuccess && queue.data.length === 0 && <p data-testid="complaints-empty">{t.complaints.empty}</p>}
      {queue.data?.map((c) => (
        <ComplaintCard key={c.complaintId} complaint={c} now={now} canAct={canAct} onAct={(action) => setActing({ complaint: c, action })} />
      ))}
      {acting && (
        <ReasonDialog
          id="complaint-action-title"
          title={t.complaints.actionTitle[acting.action](acting.complaint.complaintId)}
          label={acting.action === 'resolve' ? t.complaints.resolution : t.reason}
          hint={acting.action === 'resolve' ? t.complaints.resolutionHint : t.reasonHint}
          closeLabel={t.cancel}
          submitLabel={t.complaints.action[acting.action]}
          send={(note) => workComplaint(acting.complaint.complaintId, acting.action, note)}
          refresh={[COMPLAINTS_KEY]}
          onClose={() => setActing(null)}
        />
      )}
    </section>
  );
}

function Clock({ dueBy, now, open: running }: { dueBy: string; now: number; open: boolean }) {
  const { t, formatTime, formatNumber } = useI18n();
  const left = new Date(dueBy).getTime() - now;
  const minutes = Math.round(Math.abs(left) / 60_000);
  const hours = Math.floor(minutes / 60);
  const span = hours > 0 ? t.complaints.hoursMinutes(formatNumber(hours), formatNumber(minutes % 60)) : t.complaints.minutes(formatNumber(minutes));
  const overdue = running && left < 0;
  return (
    <span className={overdue ? 'overdue' : undefined} data-testid="complaint-clock" data-overdue={overdue}>
      {formatTime(dueBy)}
      {running && ` — ${overdue ? t.complaints.overdueBy(span) : t.complaints.dueIn(span)}`}
    </span>
  );
}

function ComplaintCard({ complaint: c, now, canAct, onAct }: { complaint: QueuedComplaint; now: number; canAct: boolean; onAct: (action: Exclude<ComplaintAction, 'assign'>) => void }) {
  const { t, formatTime } = useI18n();
  const queryClient = useQueryClient();
  const assign = useMutation({
    mutationFn: () => workComplaint(c.complaintId, 'assign'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [COMPLAINTS_KEY] }),
  });
  const running = open(c);
  return (
    <article className="intent" data-complaint={c.complaintId} data-status={c.status} aria-labelledby={`complaint-${c.complaintId}`}>
      <h3 id={`complaint-${c.complaintId}`}>
        {c.status === 'escalated' && <span className="state state-open" data-testid="complaint-escalated">{t.complaints.escalatedFlag}</span>}{' '}
        <span data-testid="complaint-type">{t.complaints.type[c.type] ?? c.type}</span> <bdi className="channel-id">{c.complaintId}</bdi>
      </h3>
      <table className="intent-facts">
        <tbody>
          <tr><th scope="row">{t.complaints.col.status}</th><td data-testid="complaint-status">{t.complaints.status[c.status]}</td></tr>
          <tr><th scope="row">{t.complaints.col.due}</th><td><Clock dueBy={c.dueBy} now={now} open={running} /></td></tr>
          <tr><th scope="row">{t.complaints.col.msisdn}</th><td><bdi dir="ltr">{c.msisdn}</bdi></td></tr>
          <tr>
            <th scope="row">{t.complaints.col.references}</th>
            <td data-testid="complaint-references">
              {c.paymentId && <a href={findHref(c.paymentId, c.paymentId)}>{t.complaints.payment(c.paymentId)}</a>}{' '}
              {c.intentId && <a href={findHref(c.intentId, c.intentId)}>{t.complaints.intent(c.intentId)}</a>}{' '}
              {c.channelTxnId && <a href={findHref(c.channelTxnId)}>{t.complaints.channelTxn(c.channelTxnId)}</a>}{' '}
              {c.accountNo && <bdi dir="ltr">{t.complaints.account(c.accountNo)}</bdi>}
              {!c.paymentId && !c.intentId && !c.channelTxnId && !c.accountNo && '—'}
            </td>
          </tr>
          <tr><th scope="row">{t.complaints.col.filedBy}</th><td><bdi>{c.clientId}</bdi> · {formatTime(c.createdAt)}</td></tr>
          <tr><th scope="row">{t.complaints.col.description}</th><td><bdi>{c.description}</bdi></td></tr>
          <tr><th scope="row">{t.complaints.col.assignedTo}</th><td data-testid="complaint-assignee"><bdi>{c.assignedTo ?? '—'}</bdi></td></tr>
          <tr><th scope="row">{t.complaints.col.check}</th><td><Evidence evidence={c.evidence} testId="complaint-evidence" /></td></tr>
          {c.resolution && <tr><th scope="row">{t.complaints.col.resolution}</th><td data-testid="complaint-resolution"><bdi>{c.resolution}</bdi></td></tr>}
        </tbody>
      </table>
      {canAct && running && (
        <div className="actions">
          {c.status !== 'assigned' && (
            <button type="button" onClick={() => assign.mutate()} disabled={assign.isPending}>{t.complaints.action.assign}</button>
          )}
          <button type="button" onClick={() => onAct('resolve')}>{t.complaints.action.resolve}</button>
          {c.status !== 'escalated' && <button type="button" onClick={() => onAct('escalate')}>{t.complaints.action.escalate}</button>}
          <button type="button" onClick={() => onAct('reject')}>{t.complaints.action.reject}</button>
        </div>
      )}
      {assign.error && <p role="alert" className="error">{assign.error.message || t.unexpectedError}</p>}
    </article>
  );
}
