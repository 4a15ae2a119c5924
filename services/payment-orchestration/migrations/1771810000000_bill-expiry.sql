-- Purpose: a government fee order's bill expires (issue 16): the read model keeps the snapshot's expiresAt so
-- inquiry and every payment path refuse an expired order with order_expired. NULL on telecom bills.
-- Up Migration
ALTER TABLE payable_bills ADD COLUMN expires_at timestamptz;
