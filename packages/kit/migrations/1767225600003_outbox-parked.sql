-- Purpose: poison rows in the outbox. A row Kafka will never accept (bigger than the broker's message
-- limit, or for a topic that does not exist) used to block its batch, and every row claimed after it,
-- for ever. The relay now parks such a row: it stays here, visible with its error, out of the relay's
-- way until an operator replays it. Parked rows are never purged (only published rows are).
-- Up Migration
ALTER TABLE outbox ADD COLUMN parked_at timestamptz;

-- A parked row is by definition not published; replay clears parked_at before it can be.
ALTER TABLE outbox ADD CONSTRAINT outbox_parked_unpublished CHECK (parked_at IS NULL OR published_at IS NULL);

-- For the dashboard and the outbox_parked gauge: parked rows are few, so a tiny partial index.
CREATE INDEX outbox_parked_idx ON outbox (id) WHERE parked_at IS NOT NULL;
