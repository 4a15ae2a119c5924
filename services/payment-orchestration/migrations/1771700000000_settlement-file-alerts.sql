-- Purpose: the missing-settlement-file alert (issue 15): one row per channel and business date whose
-- file was not matched by its deadline, written with the alert's outbox row, so the alert is raised
-- once however many replicas look and however often the service restarts.
-- Up Migration

CREATE TABLE settlement_file_alerts (
  channel_id    text        NOT NULL,
  business_date date        NOT NULL,
  deadline      timestamptz NOT NULL,
  raised_at     timestamptz NOT NULL,
  PRIMARY KEY (channel_id, business_date)
);
