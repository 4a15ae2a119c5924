-- Purpose: the operators' view of each channel's health over time: every change in the state callers
-- see (a breaker opening, half-opening or closing; an operator forcing it off or on), written in the
-- same transaction as its channel.health-changed event, so the history and the events never disagree;
-- and when each debit call came back, so the channel's latency can be read from channel_debits.
-- Up Migration

CREATE TABLE channel_health_history (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id  text        NOT NULL,
  from_state  text        NOT NULL,
  to_state    text        NOT NULL,
  at          timestamptz NOT NULL,
  reason      text        NULL,
  -- The operator (operator-console/<person>) for a forced change; NULL for the breaker's own.
  actor       text        NULL
);
CREATE INDEX channel_health_history_channel ON channel_health_history (channel_id, at DESC, id DESC);

-- When the debit request's answer (or its timeout, or the error) came back; with sent_at, the call's latency.
ALTER TABLE channel_debits ADD COLUMN answered_at timestamptz NULL;
CREATE INDEX channel_debits_created ON channel_debits (created_at);
