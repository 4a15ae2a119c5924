-- Complaints a channel or the portal files for a customer (issue 15), each with its turnaround clock
-- (due_by, from the type's configured turnaround), its status, and what closed it.
CREATE TABLE complaints (
  complaint_id   text        PRIMARY KEY,  -- 'cmp_' + UUID v7
  client_id      text        NOT NULL,     -- the filing client; it alone reads it
  type           text        NOT NULL CHECK (type IN ('paid_not_settled', 'double_debit', 'wrong_amount', 'refund_not_received', 'no_sms')),
  status         text        NOT NULL CHECK (status IN ('logged', 'assigned', 'resolved', 'escalated', 'rejected')),
  payment_id     text        NULL,
  channel_txn_id text        NULL,
  intent_id      text        NULL,
  account_no     text        NULL,
  msisdn         text        NOT NULL,     -- E.164
  description    text        NOT NULL,
  due_by         timestamptz NOT NULL,
  resolution     text        NULL,
  evidence       jsonb       NULL,
  correlation_id text        NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);

-- The operators' queue by status, and the escalation pass over open complaints past their due time.
CREATE INDEX complaints_status_due_idx ON complaints (status, due_by);
