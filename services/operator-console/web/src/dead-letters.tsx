// The Outbox screen's dead letters: per service, the messages its consumers could not handle (failed
// their contract, or their handler threw on every attempt), why, and Replay through the group that
// failed for roles that may act, behind a confirmation. A failed replay shows its reason in the dialog.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { DEAD_LETTERS_KEY, listDeadLetters, replayDeadLetter } from './dead-letters-api.ts';
import type { DeadLetter } from './dead-letters-api.ts';
import { useI18n } from './i18n/i18n.tsx';

/** Events are JSON: shown indented when they parse, as sent when they do not (a schema failure may not). */
function readable(payload: string | null): string {
  if (payload === null) return '—';
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function DeadLetters({ canAct }: { canAct: boolean }) {
  const { t, formatTime } = useI18n();
  const d = t.deadLetters;
  const list = useQuery({ queryKey: DEAD_LETTERS_KEY, queryFn: listDeadLetters, refetchInterval: 10_000 });
  const [replaying, setReplaying] = useState<{ service: string; row: DeadLetter } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  return (
    <section aria-labelledby="dead-letters-title">
      <h2 id="dead-letters-title">{d.title}</h2>
      <p>{d.explain}</p>
      {done && <p role="status" data-testid="dead-letter-replayed">{done}</p>}
      {list.isPending && <p role="status">{t.loading}</p>}
      {list.isError && <p role="alert">{t.unexpectedError}</p>}
      {list.data?.map((service) => (
        <section key={service.service} data-dead-letters-service={service.service} aria-labelledby={`dead-letters-${service.service}`}>
          <h3 id={`dead-letters-${service.service}`}>{t.service[service.service] ?? service.service}</h3>
          {!service.available && <p className="error" data-testid="dead-letters-unavailable">{t.serviceUnavailable}: <bdi>{service.error}</bdi></p>}
          {service.available && service.rows.length === 0 && <p>{d.none}</p>}
          {service.rows.length > 0 && (
            <table className="channels">
              <thead>
                <tr>
                  <th scope="col">{d.col.topic}</th>
                  <th scope="col">{d.col.group}</th>
                  <th scope="col">{d.col.kind}</th>
                  <th scope="col">{d.col.reason}</th>
                  <th scope="col">{d.col.attempts}</th>
                  <th scope="col">{d.col.failedAt}</th>
                  <th scope="col">{d.col.key}</th>
                  <th scope="col">{d.col.payload}</th>
                  {canAct && <th scope="col">{t.col.actions}</th>}
                </tr>
              </thead>
              <tbody>
                {service.rows.map((row) => (
                  <tr key={row.id} data-dead-letter={row.id}>
                    <td><bdi>{row.topic}</bdi></td>
                    <td><bdi>{row.group}</bdi></td>
                    <td>{d.kind[row.kind]}</td>
                    <td>
                      <bdi>{row.reason}</bdi>
                      {row.lastReplayError && <p className="error">{d.lastReplayError(row.replayAttempts)}: <bdi>{row.lastReplayError}</bdi></p>}
                    </td>
                    <td>{row.attempts}</td>
                    <td>{formatTime(row.failedAt)}</td>
                    <td><bdi>{row.key ?? '—'}</bdi></td>
                    <td>
                      <details>
                        <summary>{d.showPayload}</summary>
                        <pre dir="ltr">{readable(row.payload)}</pre>
                      </details>
                    </td>
                    {canAct && (
                      <td>
                        <button type="button" onClick={() => { setDone(null); setReplaying({ service: service.service, row }); }}>{t.replay}</button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      {replaying && (
        <ReplayDialog
          service={replaying.service}
          row={replaying.row}
          onClose={() => setReplaying(null)}
          onReplayed={() => setDone(d.replayed(replaying.row.topic))}
        />
      )}
    </section>
  );
}

function ReplayDialog({ service, row, onClose, onReplayed }: { service: string; row: DeadLetter; onClose: () => void; onReplayed: () => void }) {
  const { t } = useI18n();
  const d = t.deadLetters;
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const mutation = useMutation({
    mutationFn: () => replayDeadLetter(service, row.id),
    onSuccess: async () => {
      onReplayed();
      await queryClient.invalidateQueries({ queryKey: DEAD_LETTERS_KEY });
      onClose();
    },
    // The attempt is counted on the row either way.
    onError: () => queryClient.invalidateQueries({ queryKey: DEAD_LETTERS_KEY }),
  });
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  let error: string | null = null;
  if (mutation.error instanceof ApiError && mutation.error.status === 403) error = t.forbidden;
  else if (mutation.error instanceof ApiError && mutation.error.status === 409) error = `${d.failedAgain}: ${mutation.error.message}`;
  else if (mutation.error) error = mutation.error.message || t.unexpectedError;

  return (
    <dialog ref={dialog} aria-labelledby="dead-letter-replay-title" onClose={onClose}>
      <h3 id="dead-letter-replay-title">{d.replayTitle}</h3>
      <p>{d.replayExplain(row.topic, row.group)}</p>
      {error && <p role="alert" className="error"><bdi>{error}</bdi></p>}
      <div className="buttons">
        <button type="button" onClick={onClose}>{t.cancel}</button>
        <button type="button" onClick={() => mutation.mutate()} disabled={mutation.isPending}>{t.replayConfirm}</button>
      </div>
    </dialog>
  );
}
