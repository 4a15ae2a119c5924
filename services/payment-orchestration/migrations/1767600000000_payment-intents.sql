-- Purpose: gateway-initiated payments: the payment intents (state machine in src/domain/intent-state.ts)
-- and the reconciliation queue operators work from when an intent's money cannot be accounted for.
-- Up Migration

CREATE TABLE payment_intents (
  intent_id        text        PRIMARY KEY,  -- 'pi_' + UUID v7; also the debit's reference at the channel
  client_id        text        NOT NULL,     -- the portal client that created it; it alone sees it
  biller_id        text        NOT NULL,
  account_no       text        NOT NULL,
  -- The bills the payer named, or NULL: then the payment goes to the oldest open bills when it is recorded.
  requested_bill_ids text[]    NULL,
  -- The bills the amount went to when the intent was quoted, for the events and the portal.
  quoted_bill_ids  text[]      NOT NULL,
  amount           bigint      NOT NULL CHECK (amount > 0),
  -- Fixed at creation: the payer approved amount + fee, and that is what the channel debits.
  fee              bigint      NOT NULL CHECK (fee >= 0),
  currency         char(3)     NOT NULL,
  channel_id       text        NOT NULL,
  reference        text        NOT NULL UNIQUE,
  payer_msisdn     text        NULL,
  payer_account_no text        NULL,
  status           text        NOT NULL CHECK (status IN ('requires_confirmation', 'processing', 'succeeded', 'failed', 'canceled', 'unknown')),
  -- The channel's OTP request as last seen (never the OTP itself: it is not stored anywhere).
  otp_length       int         NULL,
  otp_attempts_left int        NULL,
  otp_expires_at   timestamptz NULL,
  channel_ref      text        NULL,
  last_error_reason  text      NULL,
  last_error_message text      NULL,
  last_error_channel_code text NULL,
  -- Set when the intent is in the reconciliation queue (intent_reconciliation holds the history).
  reconciliation_reason text   NULL,
  reconciliation_detail text   NULL,
  reconciliation_since  timestamptz NULL,
  unknown_since    timestamptz NULL,
  unknown_attempts int         NOT NULL DEFAULT 0,
  payment_id       text        NULL,
  receipt_no       text        NULL,
  channel_txn_id   text        NULL,
  correlation_id   text        NOT NULL,
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  CHECK (payer_msisdn IS NOT NULL OR payer_account_no IS NOT NULL),
  CHECK (status <> 'succeeded' OR payment_id IS NOT NULL)
);

CREATE INDEX payment_intents_client_idx ON payment_intents (client_id, created_at);

-- The expiry sweeper scans only intents that can still time out: waiting for an OTP, or without an
-- outcome and not yet in the queue. Terminal intents drop out of the index.
CREATE INDEX payment_intents_due_idx ON payment_intents (expires_at)
  WHERE status IN ('requires_confirmation', 'processing', 'unknown') AND reconciliation_reason IS NULL;

-- The reconciliation queue. intent_id is deliberately not a foreign key: a debit result for an intent
-- we do not know (money moved somewhere) must be queued too, never dropped.
CREATE TABLE intent_reconciliation (
  id             bigserial   PRIMARY KEY,
  intent_id      text        NOT NULL,
  channel_id     text        NOT NULL,
  reason         text        NOT NULL,
  detail         text        NOT NULL,
  -- The intent's status when it was queued.
  status         text        NULL,
  -- 'yes' when the channel said it debited the payer; 'unknown' when nobody knows yet.
  money_moved    text        NOT NULL CHECK (money_moved IN ('yes', 'unknown')),
  channel_txn_id text        NULL,
  amount         bigint      NULL,
  currency       char(3)     NULL,
  -- The event that caused it (a channel result), when there was one.
  event_id       uuid        NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz NULL,
  resolution     text        NULL
);

-- One open entry per intent and reason: a redelivered result cannot queue the same problem twice.
CREATE UNIQUE INDEX intent_reconciliation_open_idx ON intent_reconciliation (intent_id, reason) WHERE resolved_at IS NULL;
CREATE INDEX intent_reconciliation_queue_idx ON intent_reconciliation (created_at) WHERE resolved_at IS NULL;
