-- Purpose: dead letters a service's consumers wrote to `<topic>.dlq`, copied here by the service's dead-letter
-- ledger (kit dead-letters/ledger.ts) so an operator can see why each failed and replay it to the
-- group that failed. A kit table, like the outbox and the inbox: every service that consumes has one.
-- Up Migration
CREATE TABLE dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Where the ledger read it: a redelivery of the same DLQ record stores nothing twice.
  dlq_topic text NOT NULL,
  dlq_partition integer NOT NULL,
  dlq_offset bigint NOT NULL,
  message_key bytea NULL,
  message_value bytea NULL,
  -- The message's own headers; the dlq-* ones are in the columns below.
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  reason text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('schema', 'handler')),
  original_topic text NOT NULL,
  original_partition integer NOT NULL,
  original_offset bigint NOT NULL,
  consumer_group text NOT NULL,
  attempts integer NOT NULL,
  failed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'replayed')),
  replayed_at timestamptz NULL,
  replayed_by text NULL,
  replay_attempts integer NOT NULL DEFAULT 0,
  last_replay_error text NULL,
  UNIQUE (dlq_topic, dlq_partition, dlq_offset)
);

-- The operator's list: one state, newest first, paged by id.
CREATE INDEX dead_letters_state_id ON dead_letters (state, id DESC);
