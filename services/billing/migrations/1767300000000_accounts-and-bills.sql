-- Purpose: the billing core: public entities, accounts (one per billing number), bills and the record of each imported batch.
-- Up Migration
CREATE TABLE entities (
  entity_id  text        PRIMARY KEY,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  -- The billing number in national form (0 + area code + subscriber digits), as libphonenumber normalises it.
  account_no   text        PRIMARY KEY,
  holder_name  text,
  holder_class text        NOT NULL CHECK (holder_class IN ('individual', 'business', 'public_entity')),
  -- Contact mobile for SMS, E.164 (+9639XXXXXXXX); null when the holder gave none.
  msisdn       text        NULL CHECK (msisdn IS NULL OR msisdn ~ '^\+[1-9][0-9]{6,14}$'),
  locale       text        NOT NULL DEFAULT 'ar',
  entity_id    text        NULL REFERENCES entities (entity_id),
  governorate  text        NULL,
  biller_id    text        NOT NULL DEFAULT 'telecom',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Statements list every line of a public entity.
CREATE INDEX accounts_entity_id_idx ON accounts (entity_id) WHERE entity_id IS NOT NULL;

CREATE TABLE bills (
  bill_id             text        PRIMARY KEY,  -- 'bil_' + UUID v7
  -- The telecom billing system's id: unique, so a bill re-sent in any batch is never stored twice.
  external_bill_id    text        NOT NULL UNIQUE,
  account_no          text        NOT NULL REFERENCES accounts (account_no),
  biller_id           text        NOT NULL,
  period_from         date,
  period_to           date,
  issue_date          date,
  due_date            date,
  amount              bigint      NOT NULL CHECK (amount >= 0),
  currency            char(3)     NOT NULL,
  lines               jsonb       NOT NULL DEFAULT '[]'::jsonb,
  paid_amount         bigint      NOT NULL DEFAULT 0,
  late_fee            bigint      NOT NULL DEFAULT 0,
  status              text        NOT NULL DEFAULT 'open',
  essential           boolean     NOT NULL DEFAULT true,
  revision            int         NOT NULL DEFAULT 1,
  batch_id            text,
  -- Position of the row in its batch: a retried batch recognises the rows it already stored by
  -- (batch_id, batch_row), and tells them apart from a second row repeating an externalBillId.
  batch_row           int,
  overdue_notified_on date        NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- An account's bills, newest period first; also serves the statement's period filter per line.
CREATE INDEX bills_account_no_period_idx ON bills (account_no, period_from);

-- A repeated batchId is answered from the bills the batch stored.
CREATE INDEX bills_batch_idx ON bills (batch_id, batch_row) WHERE batch_id IS NOT NULL;

CREATE TABLE bill_batches (
  batch_id    text        PRIMARY KEY,
  received_at timestamptz,
  accepted    int,
  rejected    int,
  -- What a repeat of the batchId is answered with (see pg-bill-import.ts for what is kept here).
  response    jsonb
);
