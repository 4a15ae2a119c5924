-- Purpose: a public entity pays all its lines in one transfer (issue 16): the read model keeps the bill
-- snapshot's holder.entityId so a payment can find and lock the entity's bills across its accounts, and a
-- payment records the entity it was made for. The read model keeps no snapshots to backfill from: a bill
-- stored before this migration gets its entityId with the next bill.* event about it (each carries the
-- full snapshot); until then it is paid through its own accountNo only.
-- Up Migration
ALTER TABLE payable_bills ADD COLUMN holder_entity_id text;
-- An entity's bills of one biller, found and locked by the entity's payment.
CREATE INDEX payable_bills_entity_idx ON payable_bills (biller_id, holder_entity_id, bill_id) WHERE holder_entity_id IS NOT NULL;
ALTER TABLE payments ADD COLUMN entity_id text;
