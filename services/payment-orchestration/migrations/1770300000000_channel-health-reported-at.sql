-- Purpose: when the bank adapter last reported each channel's state (channel.health-reported at its
-- start and every 30 s, or a channel.health-changed), so a state nobody has repeated for three periods
-- is treated as unknown (try the channel) instead of keeping a channel "open" after the adapter that
-- saw it open is gone.
-- Up Migration

ALTER TABLE channel_health ADD COLUMN reported_at timestamptz;
UPDATE channel_health SET reported_at = changed_at;
ALTER TABLE channel_health ALTER COLUMN reported_at SET NOT NULL;
-- A row written without it (an operator's manual fix) counts as reported when written.
ALTER TABLE channel_health ALTER COLUMN reported_at SET DEFAULT now();
