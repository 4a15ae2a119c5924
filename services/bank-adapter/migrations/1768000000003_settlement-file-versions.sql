-- Purpose: give each stored version of a settlement statement an id, so the event that announces it
-- (channel.settlement-file-fetched) names the version and a consumer can tell a corrected file from a
-- repeat. The row still holds the current version of the day; a fetch with the same digest changes
-- nothing, a different digest replaces the copy under a new file_id (the audit log keeps every digest).
-- Up Migration

ALTER TABLE settlement_files ADD COLUMN file_id uuid;
-- Rows fetched before this migration were never announced; they get an id of their own.
UPDATE settlement_files SET file_id = gen_random_uuid() WHERE file_id IS NULL;
ALTER TABLE settlement_files ALTER COLUMN file_id SET NOT NULL;
ALTER TABLE settlement_files ADD CONSTRAINT settlement_files_file_id_key UNIQUE (file_id);
