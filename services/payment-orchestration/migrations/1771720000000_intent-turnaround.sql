-- Purpose: the turnaround engine for stuck payments (issue 15, jobs/turnaround.sweeper.ts): what it did to
-- each intent whose debit, or whose refund, had no final outcome within its channel's turnaround. One row
-- per action (the intent's turnaround history); the key makes each stage happen once per intent.
-- Up Migration
CREATE TABLE intent_turnaround_actions (
  intent_id  text        NOT NULL,
  -- What was stuck: the debit (intent processing/unknown) or the refund giving it back (refund requested).
  subject    text        NOT NULL CHECK (subject IN ('debit', 'refund')),
  -- 'inquiry-1' .. 'inquiry-N' (asked the bank adapter again), then 'escalated' (flagged for a person).
  stage      text        NOT NULL CHECK (stage ~ '^(inquiry-[0-9]+|escalated)$'),
  -- The command or event the action put in the outbox (channel.status-requested, channel.refund-requested,
  -- intent.reconciliation-required).
  action     text        NOT NULL,
  detail     text        NOT NULL,
  acted_at   timestamptz NOT NULL,
  PRIMARY KEY (intent_id, subject, stage)
);

-- The engine's pass looks only at intents that may be stuck: no outcome of the debit yet, or a refund
-- still waiting for its outcome. Settled intents drop out of the index.
CREATE INDEX payment_intents_turnaround_idx ON payment_intents (created_at)
  WHERE status IN ('processing', 'unknown') OR refund_status = 'requested';
