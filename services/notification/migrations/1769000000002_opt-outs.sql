-- Purpose: who replied STOP (or START again), so reminders and campaigns are not sent to them; the
-- history is append-only, so an operator can see when and how each change happened.
-- Up Migration

CREATE TABLE opt_outs (
  msisdn      text        PRIMARY KEY,
  opted_out   boolean     NOT NULL,
  changed_at  timestamptz NOT NULL,
  -- What the subscriber sent ('STOP', 'توقف', 'START', …) or the operator who changed it.
  via         text        NOT NULL
);

CREATE TABLE opt_out_history (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  msisdn      text        NOT NULL,
  opted_out   boolean     NOT NULL,
  via         text        NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opt_out_history_msisdn ON opt_out_history (msisdn, at);
