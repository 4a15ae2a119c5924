-- Purpose: the adapter's record of each refund (the reversal of a debit that bought nothing), written
-- BEFORE the reversal is sent, so a repeated command never sends it again and an unknown outcome's
-- inquiry schedule lives in Postgres and survives a restart (as channel_debits does for debits).
-- Up Migration

CREATE TABLE channel_refunds (
  channel_id      text        NOT NULL,
  -- The debit's reference: one refund per debit.
  reference       text        NOT NULL,
  intent_id       text        NOT NULL,
  -- The channel's ids of the debit being given back.
  channel_ref     text        NOT NULL,
  channel_txn_id  text        NOT NULL,
  amount          bigint      NOT NULL CHECK (amount > 0),
  currency        char(3)     NOT NULL,
  -- sending: the reversal is (or was, if we crashed) in flight; unknown: no answer, being resolved by
  -- inquiry; exhausted: the schedule ran out (orchestration queues it for a person).
  state           text        NOT NULL CHECK (state IN ('sending', 'unknown', 'succeeded', 'failed', 'exhausted')),
  reversal_id     text        NULL,
  refunded_at     timestamptz NULL,
  failure_code    text        NULL,
  failure_message text        NULL,
  correlation_id  text        NOT NULL,
  attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_inquiry_at timestamptz NULL,
  unknown_since   timestamptz NULL,
  last_error      text        NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, reference)
);

CREATE INDEX channel_refunds_due ON channel_refunds (next_inquiry_at) WHERE state IN ('sending', 'unknown');
