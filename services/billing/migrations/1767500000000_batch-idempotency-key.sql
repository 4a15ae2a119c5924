-- Purpose: POST /v1/bill-batches takes an Idempotency-Key like every state-changing POST (API.md); the key, its client and a fingerprint of the request are kept with the batch it imported.
-- Up Migration

-- Null for a batch imported without a key (the CSV command) or before keys were asked for. The
-- request hash tells a retry (same body) from a key reused for another request (422).
ALTER TABLE bill_batches
  ADD COLUMN client_id       text NULL,
  ADD COLUMN idempotency_key text NULL,
  ADD COLUMN request_hash    text NULL,
  ADD CONSTRAINT bill_batches_idempotency_key_client CHECK ((idempotency_key IS NULL) = (client_id IS NULL));

-- A key names one batch per client; another client's identical key is a different key.
CREATE UNIQUE INDEX bill_batches_client_key_idx ON bill_batches (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
