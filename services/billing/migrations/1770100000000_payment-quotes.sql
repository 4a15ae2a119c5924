-- Purpose: a payment made against a bill inquiry carries what was quoted for the bill (amount due and quote time); each payment row records that quote beside the waiver it earned, so an operator can see why a late fee applied after the quote was forgiven.
-- Up Migration

-- NULL when the payment named no quote for this bill. quoted_amount_due is what the bill owed under the
-- quote when the payment was taken; quoted_at the inquiry's instant: only late fees applied after it
-- are forgiven (waived_late_fee / applied_waiver, as before).
ALTER TABLE bill_payments
  ADD COLUMN quoted_at         timestamptz NULL,
  ADD COLUMN quoted_amount_due bigint      NULL CHECK (quoted_amount_due >= 0),
  ADD CONSTRAINT bill_payments_quote_whole CHECK ((quoted_at IS NULL) = (quoted_amount_due IS NULL));
