-- Purpose: government fee orders (issue 16): each order is a one-off bill of a fee biller for an applicant; bills gain the instant a fee order's bill stops being payable, and each payment row the receipt number the citizen was given, so an order can answer "paid, receipt X".
-- Up Migration

-- Set only on a fee order's bill; telecom bills never expire (they go overdue and take late fees).
ALTER TABLE bills ADD COLUMN expires_at timestamptz NULL;

-- payment.completed's receiptNo; NULL on rows applied before this column existed and on reversal rows.
ALTER TABLE bill_payments ADD COLUMN receipt_no text NULL;

CREATE TABLE fee_orders (
  -- 'FO-' + 12 base32 characters; also the bill's account_no and external_bill_id.
  order_ref                text        PRIMARY KEY,
  biller_id                text        NOT NULL,
  service_code             text        NOT NULL,
  quantity                 int         NOT NULL CHECK (quantity BETWEEN 1 AND 10),
  -- The schedule entry that priced it (the fee in force at created_at), kept so a later fee change
  -- never reprices an order already made.
  unit_amount              bigint      NOT NULL CHECK (unit_amount >= 0),
  amount                   bigint      NOT NULL CHECK (amount >= 0),
  currency                 char(3)     NOT NULL,
  fee_effective_from       date        NOT NULL,
  applicant_national_id    text        NOT NULL,
  bill_id                  text        NOT NULL UNIQUE REFERENCES bills (bill_id),
  -- The client that ordered it (the portal or the authority's own client).
  created_by               text        NOT NULL,
  created_at               timestamptz NOT NULL,
  expires_at               timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);

-- The authority's and the console's list of one biller's orders, newest first.
CREATE INDEX fee_orders_biller_created_idx ON fee_orders (biller_id, created_at DESC);
