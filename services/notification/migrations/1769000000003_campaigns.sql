-- Purpose: operators' campaigns (text per language, segment, start time) and the append-only audit
-- log of operator actions. A campaign's recipients become sms_messages rows when it starts, in
-- batches whose progress is kept here, so a restart resumes where it stopped and sends nothing twice.
-- Up Migration

CREATE TABLE campaigns (
  campaign_id     uuid        PRIMARY KEY,
  name            text        NOT NULL,
  text_ar         text        NOT NULL,
  text_en         text        NULL,
  segment         jsonb       NOT NULL,
  start_at        timestamptz NOT NULL,
  -- scheduled → starting (recipients being queued, batch by batch) → sending → completed; or canceled.
  state           text        NOT NULL CHECK (state IN ('scheduled', 'starting', 'sending', 'completed', 'canceled')),
  -- The last recipient queued (recipients are taken in msisdn order): where a restart resumes.
  cursor_msisdn   text        NULL,
  recipients      int         NOT NULL DEFAULT 0,
  created_by      text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz NULL,
  completed_at    timestamptz NULL,
  canceled_at     timestamptz NULL
);
CREATE INDEX campaigns_due ON campaigns (start_at) WHERE state IN ('scheduled', 'starting');

ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (campaign_id);

CREATE TABLE audit_log (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text        NOT NULL,
  action      text        NOT NULL,
  target      text        NOT NULL,
  detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  request_id  text        NULL
);
CREATE INDEX audit_log_target ON audit_log (target, at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
