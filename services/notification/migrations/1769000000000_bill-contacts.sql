-- Purpose: notification's read model of bills, built from bill.* events: whom to text about a bill
-- (the holder's mobile and language), what it owes and when (reminders), and what campaigns select
-- on (governorate, holder class, unpaid). No call to billing is ever needed to word an SMS.
-- Up Migration

CREATE TABLE bill_contacts (
  bill_id       text        PRIMARY KEY,
  account_no    text        NOT NULL,
  biller_id     text        NOT NULL,
  governorate   text        NULL,
  holder_class  text        NOT NULL,
  -- E.164 when the number could be normalised; null when the holder gave none.
  msisdn        text        NULL,
  locale        text        NOT NULL CHECK (locale IN ('ar', 'en')),
  due_date      date        NOT NULL,
  amount_due    bigint      NOT NULL CHECK (amount_due >= 0),
  currency      char(3)     NOT NULL,
  status        text        NOT NULL,
  -- The bill snapshot's revision: an older snapshot delivered late never overwrites a newer one.
  revision      int         NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Reminders look up unpaid bills by due date; campaigns select unpaid holders by segment.
CREATE INDEX bill_contacts_unpaid_due ON bill_contacts (due_date) WHERE status IN ('open', 'partially_paid', 'overdue');
CREATE INDEX bill_contacts_account ON bill_contacts (account_no);
CREATE INDEX bill_contacts_msisdn ON bill_contacts (msisdn);

-- A receipt (or reversal, or "being confirmed") event that names no payer and arrived before the
-- bill snapshot that says whom to text: bill.* and payment.* are separate topics, so a lagging bill
-- topic can deliver the bill after its payment. Kept here, not dropped, and planned again when a
-- snapshot of one of its bills arrives.
CREATE TABLE awaiting_contact (
  event_id    text        PRIMARY KEY,
  bill_ids    text[]      NOT NULL,
  event       jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX awaiting_contact_bills ON awaiting_contact USING gin (bill_ids);
