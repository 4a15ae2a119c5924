-- Purpose: a payment.completed that arrives after its own payment.reversed (reordered, or replayed from the dead-letter topic) is recorded as unapplied with reason 'already_reversed' instead of being applied to the bill.
-- Up Migration
ALTER TABLE billing_unapplied_payments DROP CONSTRAINT billing_unapplied_payments_reason_check;
ALTER TABLE billing_unapplied_payments ADD CONSTRAINT billing_unapplied_payments_reason_check
  CHECK (reason IN ('unknown_bill', 'overpayment', 'currency_mismatch', 'bill_closed', 'reversal_without_payment', 'already_reversed'));
