-- Purpose: the idempotent-consumer inbox. A consumer records the event id in the same transaction as
-- the event's effect, so a redelivered event (Kafka is at-least-once) has its effect only once.
-- Up Migration
CREATE TABLE inbox (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

CREATE INDEX inbox_processed_at_idx ON inbox (processed_at);
