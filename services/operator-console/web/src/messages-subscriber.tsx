// One subscriber's SMS (state, text, parts with their delivery receipts, why one waited) and opt-out
// state with its history, looked up by number; and the list of numbers opted out now, page by page.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { MESSAGES_KEY, OPT_OUTS_KEY, getOptOut, listMessages, listOptOuts } from './messages-api.ts';
import type { OptOutState, SmsMessage } from './messages-api.ts';
import { useI18n } from './i18n/i18n.tsx';

function errorText(error: unknown, fallback: string): string {
  return error instanceof ApiError && error.status === 400 ? error.message : fallback;
}

export function SubscriberLookup() {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [number, setNumber] = useState<string | null>(null);
  const messages = useQuery({ queryKey: [...MESSAGES_KEY, number], queryFn: () => listMessages(number!), enabled: number !== null, refetchInterval: 10_000 });
  const optOut = useQuery({ queryKey: [...OPT_OUTS_KEY, 'one', number], queryFn: () => getOptOut(number!), enabled: number !== null });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim() !== '') setNumber(typed.trim());
  };

  return (
    <section aria-labelledby="subscriber-title">
      <h3 id="subscriber-title">{t.messages.subscriberTitle}</h3>
      <form onSubmit={submit} className="inline-form">
        <label>
          {t.messages.number}
          <input name="msisdn" dir="ltr" inputMode="tel" value={typed} onChange={(e) => setTyped(e.target.value)} aria-describedby="msisdn-hint" />
        </label>
        <span id="msisdn-hint" className="hint">{t.messages.numberHint}</span>
        <button type="submit">{t.messages.find}</button>
      </form>
      {messages.isError && <p role="alert" className="error">{errorText(messages.error, t.unexpectedError)}</p>}
      {optOut.data && <OptOutDetails state={optOut.data} />}
      {messages.data && messages.data.messages.length === 0 && <p>{t.messages.noMessages}</p>}
      {messages.data && messages.data.messages.length > 0 && <MessageTable messages={messages.data.messages} />}
    </section>
  );
}

function OptOutDetails({ state }: { state: OptOutState }) {
  const { t, formatTime } = useI18n();
  return (
    <section aria-labelledby="opt-out-title" data-testid="opt-out-state">
      <h4 id="opt-out-title">{t.messages.optOutTitle}: <bdi dir="ltr">{state.msisdn}</bdi></h4>
      <p>{state.optedOut ? t.messages.optedOut(formatTime(state.changedAt ?? ''), state.via ?? '') : t.messages.optedIn}</p>
      {state.history.length > 0 && (
        <details>
          <summary>{t.messages.history}</summary>
          <ul>
            {state.history.map((h) => (
              <li key={`${h.at}-${h.via}`}>{t.messages.historyEntry(h.optedOut, h.via, formatTime(h.at))}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function MessageTable({ messages }: { messages: SmsMessage[] }) {
  const { t, formatTime } = useI18n();
  return (
    <table className="channels" aria-label={t.messages.subscriberTitle}>
      <thead>
        <tr>
          <th scope="col">{t.messages.col.createdAt}</th>
          <th scope="col">{t.messages.col.template}</th>
          <th scope="col">{t.messages.col.state}</th>
          <th scope="col">{t.messages.col.text}</th>
          <th scope="col">{t.messages.col.parts}</th>
          <th scope="col">{t.messages.col.waited}</th>
        </tr>
      </thead>
      <tbody>
        {messages.map((m) => (
          <tr key={m.messageId} data-message={m.messageId} data-state={m.state}>
            <td>{formatTime(m.createdAt)}</td>
            <td><bdi>{m.template}</bdi></td>
            <td>{t.messages.state[m.state] ?? m.state}</td>
            <td><bdi className="sms-text">{m.body}</bdi></td>
            <td>
              {m.parts.length === 0 ? (
                t.messages.noParts
              ) : (
                <ul className="parts">
                  {m.parts.map((p) => (
                    <li key={p.seq} data-part-state={p.state}>
                      {t.messages.part(p.seq, p.smscMessageId, t.messages.state[p.state] ?? p.state)}
                      {p.errorCode !== null && <> ({p.errorCode})</>}
                      {p.doneAt !== null && <>, {t.messages.receiptAt(formatTime(p.doneAt))}</>}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              <ul className="parts">
                {m.notBefore > m.createdAt && <li>{t.messages.notBefore(formatTime(m.notBefore))}</li>}
                {m.lastError !== null && <li><bdi>{t.messages.lastError(m.lastError)}</bdi></li>}
                {m.attempts > 1 && <li>{t.messages.attempts(m.attempts)}</li>}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OptOutList() {
  const { t, formatTime } = useI18n();
  const list = useInfiniteQuery({
    queryKey: [...OPT_OUTS_KEY, 'list'],
    queryFn: ({ pageParam }) => listOptOuts(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.optOuts) ?? [];
  return (
    <section aria-labelledby="opt-outs-title">
      <h3 id="opt-outs-title">{t.messages.optOutsTitle}</h3>
      {list.isPending && <p role="status">{t.loading}</p>}
      {list.isError && <p role="alert" className="error">{t.unexpectedError}</p>}
      {list.isSuccess && rows.length === 0 && <p>{t.messages.noOptOuts}</p>}
      {rows.length > 0 && (
        <table className="channels" aria-label={t.messages.optOutsTitle}>
          <thead>
            <tr>
              <th scope="col">{t.messages.col.msisdn}</th>
              <th scope="col">{t.messages.col.changedAt}</th>
              <th scope="col">{t.messages.col.via}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.msisdn}>
                <td><bdi dir="ltr">{o.msisdn}</bdi></td>
                <td>{formatTime(o.changedAt)}</td>
                <td><bdi>{o.via}</bdi></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>{t.messages.more}</button>
      )}
    </section>
  );
}
