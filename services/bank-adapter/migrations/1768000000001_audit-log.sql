-- Purpose: the append-only record of operator actions on channels (force off / on, settlement fetches):
-- who, what, when. UPDATE, DELETE and TRUNCATE are refused by triggers, so a row once written stays.
-- Up Migration

CREATE TABLE audit_log (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text        NOT NULL,  -- the authenticated client id
  action      text        NOT NULL,  -- e.g. 'channel.force-off'
  target      text        NOT NULL,  -- e.g. the channel id
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
