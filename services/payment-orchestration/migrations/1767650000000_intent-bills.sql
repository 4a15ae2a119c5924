-- Purpose: the bills each payment intent will pay, and which intent holds each bill, so a second
-- intent for a bill that an open intent already covers is refused at creation (two taps on Pay, two
-- tabs, portal + USSD) instead of debiting the payer twice. The partial unique index makes the
-- database itself refuse a second holder, whatever the code above it does. From now on an intent's
-- payment is recorded on exactly these bills: with none named, the ones quoted_bill_ids holds, no
-- longer "the oldest open bills" looked up again when the debit lands (requested_bill_ids' comment).
-- Up Migration

CREATE TABLE intent_bills (
  intent_id text    NOT NULL REFERENCES payment_intents (intent_id),
  bill_id   text    NOT NULL,
  -- True while the intent keeps the bill from other intents (holdsBills in src/domain/intent-state.ts):
  -- not terminal, or failed/canceled but in the reconciliation queue (money may have moved). Rows stay
  -- after release: they are what the intent pays, and a later reconciliation flag may take the bill again.
  held      boolean NOT NULL,
  PRIMARY KEY (intent_id, bill_id)
);

-- One holder per bill: the creation's lookup (under the payable_bills lock) and its refusal rest on this.
CREATE UNIQUE INDEX intent_bills_held_idx ON intent_bills (bill_id) WHERE held;

-- Intents created before this migration: the bills they will pay are the ones they named, or the ones
-- their quote allocated to. Where several still-open intents cover one bill (the very problem this
-- fixes), the oldest holds it and the others keep their rows unheld, so the unique index can be built.
INSERT INTO intent_bills (intent_id, bill_id, held)
SELECT intent_id, bill_id, holds AND row_number() OVER (PARTITION BY bill_id, holds ORDER BY created_at, intent_id) = 1
FROM (
  SELECT i.intent_id, b.bill_id, i.created_at,
         (i.status IN ('requires_confirmation', 'processing', 'unknown')
           OR (i.status IN ('failed', 'canceled') AND i.reconciliation_reason IS NOT NULL)) AS holds
  FROM payment_intents i
  CROSS JOIN LATERAL unnest(coalesce(i.requested_bill_ids, i.quoted_bill_ids)) AS b (bill_id)
) AS covered;
