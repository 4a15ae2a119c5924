-- Purpose: the operators' "SMS of this payment" (GET /v1/payment-messages) finds a payment's receipt,
-- its reversal's SMS and its intent's by the start of the dedupe key (template:source:), which the
-- unique index cannot serve under the database's collation; text_pattern_ops can serve LIKE 'prefix%'.
-- Up Migration
CREATE INDEX sms_messages_dedupe_prefix_idx ON sms_messages (dedupe_key text_pattern_ops);
