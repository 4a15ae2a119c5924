-- Purpose: the adoption screen (issue 14 screen 5): each payment row on a bill records the channel it came through (from payment.completed's channelId), and bills are found by issue date, the billing cycle the screen counts.
-- Up Migration

-- NULL on rows applied before this column existed: their channel was not kept, and the screen shows
-- them as paid through the gateway by an unknown channel. A reversal row carries its payment's channel.
ALTER TABLE bill_payments ADD COLUMN channel_id text NULL;

-- A cycle is the bills issued in one month (Asia/Damascus business dates); the screen aggregates one
-- cycle at a time, about a national cycle's worth of rows, by range on this index.
CREATE INDEX bills_issue_date_idx ON bills (issue_date);
