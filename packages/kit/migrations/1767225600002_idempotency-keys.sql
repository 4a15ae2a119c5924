-- Purpose: HTTP idempotency keys (API.md "Common rules"). The row is inserted in the same transaction
-- as the request's effect, so concurrent duplicates serialize on the primary key and a crashed
-- request leaves nothing behind; the first response is kept byte for byte and replayed for 30 days.
-- Up Migration
CREATE TABLE idempotency_keys (
  client_id        text        NOT NULL,
  key              text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
  request_hash     text        NOT NULL,
  status           text        NOT NULL CHECK (status IN ('in_progress', 'completed')),
  response_status  integer,
  response_headers jsonb,
  response_body    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL DEFAULT now() + interval '30 days',
  locked_until     timestamptz,
  PRIMARY KEY (client_id, key),
  CHECK (status = 'in_progress' OR (response_status IS NOT NULL AND response_body IS NOT NULL))
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
