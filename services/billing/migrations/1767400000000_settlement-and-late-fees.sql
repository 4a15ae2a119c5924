-- Purpose: settlement and late fees: every payment and reversal applied to a bill, money that could not be applied, each late-fee step (once per bill and step), each overdue notice, and the bill's status history.
-- Up Migration

-- One row per payment (or reversal of it) per bill, never updated or deleted: the bill's payment
-- history. The key makes a payment apply to a bill once even if it arrives under a new event id.
CREATE TABLE bill_payments (
  payment_id     text        NOT NULL,
  bill_id        text        NOT NULL REFERENCES bills (bill_id),
  kind           text        NOT NULL CHECK (kind IN ('payment', 'reversal')),
  -- What the allocation carried, and what of it went to the bill (less when it over-paid).
  amount         bigint      NOT NULL CHECK (amount >= 0),
  applied_amount bigint      NOT NULL CHECK (applied_amount >= 0 AND applied_amount <= amount),
  currency       char(3)     NOT NULL,
  event_id       uuid        NOT NULL,
  reversal_id    text        NULL,
  occurred_at    timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (payment_id, bill_id, kind),
  CHECK ((kind = 'reversal') = (reversal_id IS NOT NULL))
);

-- The late-fee run reads a bill's history to compute what was unpaid when each step started.
CREATE INDEX bill_payments_bill_id_idx ON bill_payments (bill_id, occurred_at);

-- Money that reached billing but could not go to a bill: an unknown bill, more than was due, another
-- currency, a voided bill, a reversal of a payment never applied. Kept for operators to refund or fix;
-- never thrown away, and never a reason to stop the consumer.
CREATE TABLE billing_unapplied_payments (
  id          bigserial   PRIMARY KEY,
  payment_id  text        NOT NULL,
  bill_id     text        NOT NULL,
  account_no  text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('payment', 'reversal')),
  reason      text        NOT NULL CHECK (reason IN ('unknown_bill', 'overpayment', 'currency_mismatch', 'bill_closed', 'reversal_without_payment')),
  amount      bigint      NOT NULL CHECK (amount >= 0),
  currency    char(3)     NOT NULL,
  event_id    uuid        NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the money stopped being a question (its payment was reversed, or an operator settled it).
  resolved_at timestamptz NULL,
  resolution  text        NULL,
  UNIQUE (payment_id, bill_id, kind, reason)
);

CREATE INDEX billing_unapplied_payments_open_idx ON billing_unapplied_payments (recorded_at) WHERE resolved_at IS NULL;

-- Each late-fee step applied to a bill. UNIQUE (bill_id, step) is what makes the daily run exactly
-- once per bill and step, with or without its advisory lock, across restarts and instances.
CREATE TABLE late_fees (
  fee_id        text        PRIMARY KEY,
  bill_id       text        NOT NULL REFERENCES bills (bill_id),
  step          int         NOT NULL CHECK (step >= 1),
  amount        bigint      NOT NULL CHECK (amount > 0),
  currency      char(3)     NOT NULL,
  -- What was unpaid when the step started, and the rule that charged it: enough to audit the amount.
  base_amount   bigint      NOT NULL CHECK (base_amount >= 0),
  starts_on     date        NOT NULL,
  policy        text        NOT NULL,
  business_date date        NOT NULL,
  applied_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bill_id, step)
);

-- bill.overdue is sent once per bill and stage (the one-way cut announced, then the two-way cut).
CREATE TABLE bill_overdue_notices (
  bill_id         text        NOT NULL REFERENCES bills (bill_id),
  stage           text        NOT NULL CHECK (stage IN ('one_way', 'two_way')),
  suspension_date date        NOT NULL,
  business_date   date        NOT NULL,
  notified_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bill_id, stage)
);

-- Every stored change of a bill's state, by revision, with what caused it.
CREATE TABLE bill_history (
  bill_id     text        NOT NULL REFERENCES bills (bill_id),
  revision    int         NOT NULL,
  status      text        NOT NULL,
  paid_amount bigint      NOT NULL,
  late_fee    bigint      NOT NULL,
  cause       text        NOT NULL,
  cause_id    text        NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bill_id, revision)
);

-- The daily run walks payable bills by due date, in bill_id chunks; paid bills stay out of the index.
CREATE INDEX bills_payable_due_idx ON bills (bill_id) WHERE status IN ('open', 'partially_paid', 'overdue');
