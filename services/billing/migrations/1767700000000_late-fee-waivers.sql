-- Purpose: a payment may forgive part of a bill's late fee (the channel paid an inquiry quote honoured across a fee that landed after it); each payment row records the waiver it asked for and what of it went to the bill, and its reversal row the waiver it reinstated, so a redelivery changes nothing and a reversal owes the fee again.
-- Up Migration

-- Beside amount / applied_amount and read the same way: what the event carried, and what of it came
-- off the bill's late fee (less when the bill owed less fee, or nothing was left due after the money).
-- On a reversal row: the waiver of the payment being undone, reinstated on the bill. Rows stay
-- append-only, and the (payment_id, bill_id, kind) key keeps a waiver to one application as it does
-- the money.
ALTER TABLE bill_payments
  ADD COLUMN waived_late_fee bigint NOT NULL DEFAULT 0 CHECK (waived_late_fee >= 0),
  ADD COLUMN applied_waiver  bigint NOT NULL DEFAULT 0 CHECK (applied_waiver >= 0),
  ADD CONSTRAINT bill_payments_waiver_within_asked CHECK (applied_waiver <= waived_late_fee);
