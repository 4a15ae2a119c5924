// The SMS one payment caused (its receipt, its reversal's, its intent's), found by the start of their
// dedupe keys (domain/sms-plan.ts), with each part's SMSC id and the delivery receipt it got. SQL only.
import type { Queryable } from '@gateway/kit';

export type PaymentMessage = {
  messageId: string;
  template: string;
  recipient: string;
  locale: string;
  state: string;
  body: string;
  sourceEventId: string | null;
  notBefore: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  submittedAt: string | null;
  doneAt: string | null;
  parts: {
    seq: number;
    smscMessageId: string;
    state: string;
    errorCode: string | null;
    submittedAt: string;
    doneAt: string | null;
    /** The delivery receipt the SMSC sent for this part, when one arrived. */
    receipt: { state: string; errorCode: string | null; doneAt: string | null; receivedAt: string } | null;
  }[];
};

type Row = {
  message_id: string;
  template: string;
  recipient: string;
  locale: string;
  state: string;
  body: string;
  source_event_id: string | null;
  not_before: Date;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  submitted_at: Date | null;
  done_at: Date | null;
  parts: PaymentMessage['parts'] | null;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

/** Oldest first (the order they were caused in); `prefixes` are dedupe-key prefixes. */
export async function messagesByKeyPrefix(db: Queryable, prefixes: readonly string[], limit: number): Promise<PaymentMessage[]> {
  const { rows } = await db.query<Row>(
    `SELECT m.message_id, m.template, m.recipient, m.locale, m.state, m.body, m.source_event_id, m.not_before, m.attempts, m.last_error,
            m.created_at, m.submitted_at, m.done_at,
            (SELECT json_agg(json_build_object('seq', p.seq, 'smscMessageId', p.smsc_message_id, 'state', p.state, 'errorCode', p.error_code,
                     'submittedAt', p.submitted_at, 'doneAt', p.done_at,
                     'receipt', CASE WHEN d.smsc_message_id IS NULL THEN NULL ELSE json_build_object('state', d.state, 'errorCode', d.error_code,
                                  'doneAt', d.done_at, 'receivedAt', d.received_at) END) ORDER BY p.seq)
               FROM sms_parts p LEFT JOIN delivery_receipts d ON d.smsc_message_id = p.smsc_message_id
              WHERE p.message_id = m.message_id) AS parts
       FROM sms_messages m
      WHERE m.dedupe_key LIKE ANY ($1::text[])
      ORDER BY m.created_at, m.message_id LIMIT $2`,
    [prefixes.map((p) => `${escapeLike(p)}%`), limit],
  );
  return rows.map((r) => ({
    messageId: r.message_id,
    template: r.template,
    recipient: r.recipient,
    locale: r.locale,
    state: r.state,
    body: r.body,
    sourceEventId: r.source_event_id,
    notBefore: r.not_before.toISOString(),
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    submittedAt: r.submitted_at?.toISOString() ?? null,
    doneAt: r.done_at?.toISOString() ?? null,
    parts: (r.parts ?? []).map((p) => ({
      ...p,
      submittedAt: new Date(p.submittedAt).toISOString(),
      doneAt: iso(p.doneAt),
      receipt: p.receipt === null ? null : { ...p.receipt, doneAt: iso(p.receipt.doneAt), receivedAt: new Date(p.receipt.receivedAt).toISOString() },
    })),
  }));
}
