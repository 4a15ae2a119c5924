-- Purpose: the adapter's own record of every debit it sent to a channel, written BEFORE the call, so a
-- debit is never sent twice to a channel that does not deduplicate by our reference, and so an
-- unknown outcome's status-inquiry schedule lives in Postgres and survives a restart.
-- Up Migration

CREATE TABLE channel_debits (
  channel_id      text        NOT NULL,
  -- Our id for the debit (the intent's reference); what a deduplicating channel keys on.
  reference       text        NOT NULL,
  intent_id       text        NOT NULL,
  amount          bigint      NOT NULL CHECK (amount > 0),
  currency        char(3)     NOT NULL,
  -- sending / confirming: a call is (or was, if we crashed) in flight; next_inquiry_at is then the
  -- moment past which the poller asks the channel instead of trusting the caller to finish.
  -- unknown: the channel may have moved money; the poller asks per the channel's backoff schedule.
  -- exhausted: the schedule ran out; orchestration reconciles (a status request can still settle it).
  state           text        NOT NULL CHECK (state IN ('sending', 'otp_required', 'confirming', 'unknown', 'succeeded', 'failed', 'exhausted')),
  channel_ref     text        NULL,
  channel_txn_id  text        NULL,
  debited_at      timestamptz NULL,
  failure_reason  text        NULL,
  failure_code    text        NULL,
  failure_message text        NULL,
  -- The channel's OTP request as last seen (never the OTP itself: it is stored nowhere).
  otp_length      int         NULL,
  otp_expires_at  timestamptz NULL,
  otp_attempts_left int       NULL,
  correlation_id  text        NOT NULL,
  -- Status inquiries made since the outcome became unknown (index into the backoff schedule).
  attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_inquiry_at timestamptz NULL,
  -- When the one and only debit request left (or was about to leave) this process; NULL when it
  -- was never sent (breaker open, channel forced off, intent expired).
  sent_at         timestamptz NULL,
  unknown_since   timestamptz NULL,
  last_error      text        NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, reference)
);

-- The poller's claim query: only rows whose outcome is still open, by due time.
CREATE INDEX channel_debits_due ON channel_debits (next_inquiry_at) WHERE state IN ('sending', 'confirming', 'unknown');
CREATE INDEX channel_debits_intent ON channel_debits (intent_id);
