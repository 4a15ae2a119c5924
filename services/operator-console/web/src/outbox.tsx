// Outbox: each service's parked outbox rows (events Kafka refused, holding back later events of the
// same key), and Replay for roles that may act, behind a confirmation (the backend refuses the others);
// then the services' dead letters (dead-letters.tsx).
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, OUTBOX_KEY, listParkedOutbox, replayParkedOutbox } from './api.ts';
import type { ParkedRow } from './api.ts';
import { DeadLetters } from './dead-letters.tsx';
import { useI18n } from './i18n/i18n.tsx';

export function Outbox({ canAct }: { canAct: boolean }) {
  const { t, formatTime } = useI18n();
  const outbox = useQuery({ queryKey: OUTBOX_KEY, queryFn: listParkedOutbox, refetchInterval: 10_000 });
  const [replaying, setReplaying] = useState<{ service: string; row: ParkedRow } | null>(null);

  return (
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t.outboxTitle}</h2>
      {outbox.isPending && <p role="status">{t.loading}</p>}
      {outbox.isError && <p role="alert">{t.unexpectedError}</p>}
      {outbox.data?.map((service) => (
        <section key={service.service} data-service={service.service} aria-labelledby={`outbox-${service.service}`}>
          <h3 id={`outbox-${service.service}`}>{t.service[service.service] ?? service.service}</h3>
          {!service.available && <p className="error" data-testid="unavailable">{t.serviceUnavailable}: <bdi>{service.error}</bdi></p>}
          {service.available && service.rows.length === 0 && <p>{t.noParked}</p>}
          {service.rows.length > 0 && (
            <table className="channels">
              <thead>
                <tr>
                  <th scope="col">{t.outboxCol.type}</th>
                  <th scope="col">{t.outboxCol.topic}</th>
                  <th scope="col">{t.outboxCol.key}</th>
                  <th scope="col">{t.outboxCol.attempts}</th>
                  <th scope="col">{t.outboxCol.lastError}</th>
                  <th scope="col">{t.outboxCol.parkedAt}</th>
                  <th scope="col">{t.outboxCol.blockedBehind}</th>
                  {canAct && <th scope="col">{t.col.actions}</th>}
                </tr>
              </thead>
              <tbody>
                {service.rows.map((row) => (
                  <tr key={row.eventId} data-event={row.eventId}>
                    <td><bdi>{row.type ?? '—'}</bdi></td>
                    <td><bdi>{row.topic}</bdi></td>
                    <td><bdi>{row.key}</bdi></td>
                    <td>{row.attempts}</td>
                    <td><bdi>{row.lastError ?? '—'}</bdi></td>
                    <td>{formatTime(row.parkedAt)}</td>
                    <td>{row.blockedBehind}</td>
                    {canAct && (
                      <td>
                        <button type="button" onClick={() => setReplaying({ service: service.service, row })}>{t.replay}</button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      {replaying && <ReplayDialog service={replaying.service} row={replaying.row} onClose={() => setReplaying(null)} />}
      <DeadLetters canAct={canAct} />
    </section>
  );
}

function ReplayDialog({ service, row, onClose }: { service: string; row: ParkedRow; onClose: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const mutation = useMutation({
    mutationFn: () => replayParkedOutbox(service, row.eventId),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: OUTBOX_KEY });
      onClose();
    },
  });
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  let error: string | null = null;
  if (mutation.error instanceof ApiError && mutation.error.status === 403) error = t.forbidden;
  else if (mutation.error) error = mutation.error.message || t.unexpectedError;

  return (
    <dialog ref={dialog} aria-labelledby="replay-title" onClose={onClose}>
      <h3 id="replay-title">{t.replayTitle}</h3>
      <p>{t.replayExplain(row.type ?? row.eventId, row.topic)}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="buttons">
        <button type="button" onClick={onClose}>{t.cancel}</button>
        <button type="button" onClick={() => mutation.mutate()} disabled={mutation.isPending}>{t.replayConfirm}</button>
      </div>
    </dialog>
  );
}
