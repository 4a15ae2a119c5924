-- Purpose: each channel's daily settlement statement (CSV) as fetched, kept for reconciliation.
-- Up Migration

CREATE TABLE settlement_files (
  channel_id    text        NOT NULL,
  business_date date        NOT NULL,
  content       text        NOT NULL,
  sha256        text        NOT NULL,
  -- Data rows (header excluded), so an operator sees at a glance whether the day was empty.
  row_count     int         NOT NULL CHECK (row_count >= 0),
  fetched_at    timestamptz NOT NULL DEFAULT now(),
  fetched_by    text        NOT NULL,
  PRIMARY KEY (channel_id, business_date)
);
