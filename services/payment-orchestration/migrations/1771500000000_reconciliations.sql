-- Purpose: each channel's daily settlement file matched against our ledger (issue 15): one result per
-- channel and business day (replaced when a corrected file arrives) and its exceptions, each worked
-- to a resolution by an operator.
-- Up Migration

CREATE TABLE reconciliations (
  channel_id    text        NOT NULL,
  business_date date        NOT NULL,
  -- The bank adapter's stored version the result is of: a redelivered event for it changes nothing,
  -- a new one (a corrected file) re-runs the match.
  file_id       text        NOT NULL,
  sha256        text        NOT NULL,
  fetched_at    timestamptz NOT NULL,
  status        text        NOT NULL CHECK (status IN ('matched', 'exceptions')),
  currency      char(3)     NOT NULL,
  our_count     int         NOT NULL,
  our_amount    bigint      NOT NULL,
  their_count   int         NOT NULL,
  their_amount  bigint      NOT NULL,
  matched_at    timestamptz NOT NULL,
  PRIMARY KEY (channel_id, business_date)
);

CREATE TABLE reconciliation_exceptions (
  exception_id  text        PRIMARY KEY,  -- 'rex_' + UUID v7
  channel_id    text        NOT NULL,
  business_date date        NOT NULL,
  file_id       text        NOT NULL,
  kind          text        NOT NULL CHECK (kind IN ('missing_at_channel', 'missing_here', 'amount_mismatch', 'status_mismatch')),
  reference     text        NOT NULL,
  -- Both sides' evidence: our ledger's row and the file's row (null on the side that has none).
  ours          jsonb       NULL,
  theirs        jsonb       NULL,
  -- superseded: a corrected file re-ran the match; the exception belongs to the old file's result.
  status        text        NOT NULL CHECK (status IN ('open', 'resolved', 'superseded')),
  resolution    text        NULL CHECK (resolution IN ('accept', 'record_payment', 'refund', 'write_off')),
  note          text        NULL,
  resolved_by   text        NULL,
  resolved_at   timestamptz NULL,
  created_at    timestamptz NOT NULL,
  CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);

CREATE INDEX reconciliation_exceptions_day_idx ON reconciliation_exceptions (channel_id, business_date, file_id);
