-- Purpose: a debit that bought nothing (its payment was refused: a channel paid the bill meanwhile) is
-- given back automatically; the intent records that refund's progress. NULL: no refund was ever needed.
-- Up Migration
ALTER TABLE payment_intents
  -- requested (channel.refund-requested sent) → succeeded (the channel reversed the debit), or
  -- refused / unresolved (the reconciliation queue has it, with why).
  ADD COLUMN refund_status text NULL CHECK (refund_status IN ('requested', 'succeeded', 'refused', 'unresolved')),
  ADD COLUMN refund_requested_at timestamptz NULL,
  ADD COLUMN refunded_at timestamptz NULL,
  -- The channel's id of the reversal, when it gives one.
  ADD COLUMN refund_reversal_id text NULL;
