-- Purpose: the operators' "find a payment" (GET /v1/payment-search) by channelTxnId, account number or
-- subscriber number without scanning every payment: one index each, the msisdn ones partial because
-- most channel payments name no payer. Receipt numbers and ids are already unique keys.
-- Up Migration
CREATE INDEX payments_channel_txn_id_idx ON payments (channel_txn_id);
CREATE INDEX payments_account_paid_idx ON payments (account_no, paid_at);
CREATE INDEX payments_payer_msisdn_idx ON payments (payer_msisdn) WHERE payer_msisdn IS NOT NULL;
CREATE INDEX payment_intents_account_idx ON payment_intents (account_no, created_at);
CREATE INDEX payment_intents_payer_msisdn_idx ON payment_intents (payer_msisdn) WHERE payer_msisdn IS NOT NULL;
CREATE INDEX payment_intents_channel_txn_id_idx ON payment_intents (channel_txn_id) WHERE channel_txn_id IS NOT NULL;
CREATE INDEX payable_bills_holder_msisdn_idx ON payable_bills (holder_msisdn) WHERE holder_msisdn IS NOT NULL;
