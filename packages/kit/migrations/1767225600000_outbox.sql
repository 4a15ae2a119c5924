-- Purpose: the transactional outbox. A service writes its state change and the event announcing it
-- in one transaction; the relay publishes rows to Kafka afterwards, so an event is never lost when
-- Kafka is down and never published for a change that was rolled back.
-- Up Migration
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  event_id     uuid        NOT NULL UNIQUE,
  topic        text        NOT NULL,
  key          text        NOT NULL,
  payload      jsonb       NOT NULL,  -- the whole event envelope, as validated on enqueue
  headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts     integer     NOT NULL DEFAULT 0,
  last_error   text
);

-- The relay scans only unpublished rows in id order; published rows can pile up without slowing it.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- Lets a relay check cheaply whether an earlier event of the same key is still unpublished, so two
-- relays never publish one aggregate's events out of order.
CREATE INDEX outbox_unpublished_key_idx ON outbox (topic, key, id) WHERE published_at IS NULL;
