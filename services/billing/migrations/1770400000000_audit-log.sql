-- Purpose: the append-only audit log every service keeps (issue 10 item 9): refused authentications,
-- aggregated by kit's refusal audit, and operator actions. Same shape as bank-adapter's and
-- notification's; UPDATE, DELETE and TRUNCATE are refused by triggers, so a row once written stays.
-- Up Migration

CREATE TABLE audit_log (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text        NOT NULL,  -- the authenticated client id, or 'unauthenticated'
  action      text        NOT NULL,  -- e.g. 'auth.refused'
  target      text        NOT NULL,  -- e.g. the path refused
  detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  request_id  text        NULL
);
CREATE INDEX audit_log_target ON audit_log (target, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
