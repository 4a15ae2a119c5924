-- The operator (client/person) a complaint is assigned to in the queue (issue 15).
ALTER TABLE complaints ADD COLUMN assigned_to text NULL;
