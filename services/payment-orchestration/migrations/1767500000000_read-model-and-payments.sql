-- Purpose: the payment core: the read model of payable bills (fed by bill.* events), bill inquiries, payments with their allocations, reversals, the double-entry ledger and the channel-health read model.
-- Up Migration

-- What billing told us about each bill, as of its latest revision. Inquiry and payment read only this,
-- so they keep working while billing is down (DESIGN.md).
CREATE TABLE payable_bills (
  bill_id          text        PRIMARY KEY,
  external_bill_id text        NOT NULL,
  biller_id        text        NOT NULL,
  account_no       text        NOT NULL,
  holder_name      text        NULL,
  holder_class     text        NOT NULL,
  holder_msisdn    text        NULL,
  status           text        NOT NULL,
  period_from      date        NOT NULL,
  period_to        date        NOT NULL,
  issue_date       date        NOT NULL,
  due_date         date        NOT NULL,
  amount           bigint      NOT NULL CHECK (amount >= 0),
  late_fee         bigint      NOT NULL DEFAULT 0 CHECK (late_fee >= 0),
  -- What billing reports as paid by any source; our own allocations are counted from payment_allocations.
  paid_amount      bigint      NOT NULL DEFAULT 0,
  currency         char(3)     NOT NULL,
  allow_partial    boolean     NOT NULL,
  min_amount       bigint      NOT NULL,
  max_amount       bigint      NOT NULL,
  essential        boolean     NOT NULL,
  revision         int         NOT NULL,
  -- True while the bill is closed by something other than this gateway's allocations: canceled, or
  -- settled by a payment we do not know (e.g. cash at a telephone centre). Our own allocations are
  -- counted live, so a reversal here makes the bill payable at once without waiting for billing.
  closed_externally boolean    NOT NULL DEFAULT false,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Inquiry and oldest-first allocation read an account's bills by biller, oldest period first.
CREATE INDEX payable_bills_account_idx ON payable_bills (biller_id, account_no, period_from, bill_id);

-- A bill inquiry's quote: the amounts it showed are honoured until expires_at, even if a late fee lands.
CREATE TABLE inquiries (
  inquiry_ref text        PRIMARY KEY,
  client_id   text        NOT NULL,
  biller_id   text        NOT NULL,
  account_no  text        NOT NULL,
  -- [{ billId, amountDue, lateFee, currency }] as shown to the channel.
  quoted      jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

CREATE INDEX inquiries_expires_at_idx ON inquiries (expires_at);

-- Receipt numbers: RC-<Damascus business date>-<6+ digits>; one sequence keeps them unique and
-- sortable within a day, the date prefix sorts them across days.
CREATE SEQUENCE receipt_no_seq;

CREATE TABLE payments (
  payment_id     text        PRIMARY KEY,  -- 'pay_' + UUID v7
  receipt_no     text        NOT NULL UNIQUE,
  client_id      text        NOT NULL,
  channel_id     text        NOT NULL,
  channel_txn_id text        NOT NULL,
  source         text        NOT NULL CHECK (source IN ('channel', 'intent')),
  intent_id      text        NULL,
  biller_id      text        NOT NULL,
  account_no     text        NOT NULL,
  amount         bigint      NOT NULL CHECK (amount > 0),
  fee            bigint      NOT NULL CHECK (fee >= 0),
  currency       char(3)     NOT NULL,
  paid_at        timestamptz NOT NULL,
  business_date  date        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('completed', 'reversed')),
  inquiry_ref    text        NULL,
  payer_msisdn   text        NULL,
  -- Fingerprint of the business content of the notification: a new Idempotency-Key carrying the same
  -- content gets the original payment back, different content gets duplicate_payment.
  request_hash   text        NOT NULL,
  correlation_id text        NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- A channel's transaction id names one payment, whatever key it came under (API.md duplicate_payment).
  UNIQUE (channel_id, channel_txn_id)
);

-- An intent produces at most one payment.
CREATE UNIQUE INDEX payments_intent_id_idx ON payments (intent_id) WHERE intent_id IS NOT NULL;
-- Settlement lists a channel's day.
CREATE INDEX payments_channel_day_idx ON payments (channel_id, business_date);
CREATE INDEX payments_client_idx ON payments (client_id, channel_txn_id);

CREATE TABLE payment_allocations (
  payment_id       text        NOT NULL REFERENCES payments (payment_id),
  bill_id          text        NOT NULL,
  external_bill_id text        NOT NULL,
  amount           bigint      NOT NULL CHECK (amount > 0),
  currency         char(3)     NOT NULL,
  -- Late fee forgiven because the payment honoured an inquiry quoted before the fee landed: not money
  -- (no ledger entry), but it counts against the bill's due amount so the bill is not left open for it.
  waived           bigint      NOT NULL DEFAULT 0 CHECK (waived >= 0),
  -- Set when the payment is reversed: the money no longer counts against the bill's due amount.
  reversed_at      timestamptz NULL,
  PRIMARY KEY (payment_id, bill_id)
);

-- The guard sums a bill's live allocations.
CREATE INDEX payment_allocations_live_idx ON payment_allocations (bill_id) WHERE reversed_at IS NULL;

CREATE TABLE reversals (
  reversal_id   text        PRIMARY KEY,  -- 'rev_' + UUID v7
  -- A payment is reversed at most once.
  payment_id    text        NOT NULL UNIQUE REFERENCES payments (payment_id),
  client_id     text        NOT NULL,
  channel_id    text        NOT NULL,
  reason        text        NOT NULL,
  amount        bigint      NOT NULL,
  fee           bigint      NOT NULL,
  currency      char(3)     NOT NULL,
  status        text        NOT NULL CHECK (status IN ('completed', 'pending')),
  reversed_at   timestamptz NOT NULL,
  business_date date        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reversals_channel_day_idx ON reversals (channel_id, business_date);

-- Double-entry ledger: each transaction (a payment or a reversal, txn_id = its id) writes entries whose
-- signed amounts sum to zero per currency. Accounts are text like 'channel:bank-alpha:receivable'.
CREATE TABLE ledger_entries (
  txn_id     text        NOT NULL,
  entry_no   int         NOT NULL,
  account    text        NOT NULL,
  amount     bigint      NOT NULL,
  currency   char(3)     NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (txn_id, entry_no)
);

-- Each transaction is checked at commit: a deferred constraint trigger refuses an unbalanced one, so
-- "entries sum to zero per transaction" holds by construction, not only by convention.
CREATE FUNCTION ledger_txn_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced text;
BEGIN
  SELECT currency INTO unbalanced FROM ledger_entries WHERE txn_id = NEW.txn_id
    GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %', NEW.txn_id, unbalanced;
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_txn_balanced();

-- Each channel's breaker state as the bank adapter last reported it; no row means never seen (closed).
CREATE TABLE channel_health (
  channel_id text        PRIMARY KEY,
  state      text        NOT NULL CHECK (state IN ('closed', 'open', 'half_open', 'forced_off')),
  changed_at timestamptz NOT NULL
);
