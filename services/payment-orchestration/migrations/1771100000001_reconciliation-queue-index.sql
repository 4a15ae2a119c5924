-- Purpose: the operators' reconciliation queue (GET /v1/intents?status=reconciliation) reads the flagged
-- intents newest first a page at a time; this partial index holds only those (few) rows, in that order,
-- so a page does not scan every intent ever made.
-- Up Migration

CREATE INDEX payment_intents_reconciliation_queue_idx ON payment_intents (reconciliation_since DESC, intent_id DESC) WHERE reconciliation_reason IS NOT NULL;
