-- Purpose: every SMS the service means to send, from the moment it is decided (in the same
-- transaction as the inbox row of the event that caused it) to its delivery receipt. The unique
-- dedupe key (source, recipient, template) is what makes a redelivered event or a re-run campaign
-- produce no second SMS; the parts table keeps each submitted part's SMSC message id so that a
-- receipt can be matched, and so that a message interrupted mid-way resumes at the part it stopped at.
-- Up Migration

CREATE TABLE sms_messages (
  message_id      uuid        PRIMARY KEY,
  dedupe_key      text        NOT NULL UNIQUE,
  recipient       text        NOT NULL,
  template        text        NOT NULL,
  locale          text        NOT NULL CHECK (locale IN ('ar', 'en')),
  account_no      text        NULL,
  source_event_id text        NULL,
  campaign_id     uuid        NULL,
  body            text        NOT NULL,
  -- Urgent messages (receipts, "being confirmed") go first and are never deferred by quiet hours.
  urgent          boolean     NOT NULL,
  -- queued → submitted (every part accepted by the SMSC) → delivered | failed | expired.
  -- suppressed: not sent because the subscriber opted out of this kind of message.
  state           text        NOT NULL CHECK (state IN ('queued', 'submitted', 'delivered', 'failed', 'expired', 'suppressed')),
  -- Not sent before this instant: a reminder's local time, a campaign's start, the end of quiet hours,
  -- or a retry's backoff.
  not_before      timestamptz NOT NULL,
  -- A dispatcher holds a message while it submits it; a crashed one's lease runs out and another
  -- takes over (the SMSC deduplicates a part resubmitted under the same reference).
  lease_until     timestamptz NULL,
  attempts        int         NOT NULL DEFAULT 0,
  last_error      text        NULL,
  encoding        text        NULL CHECK (encoding IN ('gsm7', 'ucs2')),
  segments        int         NULL,
  correlation_id  text        NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  submitted_at    timestamptz NULL,
  done_at         timestamptz NULL
);
-- The claim's order, whole: a campaign's messages share one not_before, and an index without the
-- message id made every claim sort the whole campaign.
CREATE INDEX sms_messages_due ON sms_messages (urgent DESC, not_before, message_id) WHERE state = 'queued';
-- Recipients with a message in flight (the claim skips them).
CREATE INDEX sms_messages_leased ON sms_messages (recipient) WHERE state = 'queued' AND lease_until IS NOT NULL;
CREATE INDEX sms_messages_campaign ON sms_messages (campaign_id, state) WHERE campaign_id IS NOT NULL;
CREATE INDEX sms_messages_recipient ON sms_messages (recipient, created_at);

CREATE TABLE sms_parts (
  message_id      uuid        NOT NULL REFERENCES sms_messages (message_id),
  seq             int         NOT NULL CHECK (seq >= 1),
  smsc_message_id text        NOT NULL UNIQUE,
  -- submitted until its receipt says otherwise.
  state           text        NOT NULL CHECK (state IN ('submitted', 'delivered', 'failed', 'expired')),
  error_code      text        NULL,
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  done_at         timestamptz NULL,
  PRIMARY KEY (message_id, seq)
);

-- Receipts as they arrive, keyed by the SMSC's id. A receipt can overtake the write of its part's
-- submit response, and the SMSC resends one we did not acknowledge: keeping them here makes both
-- harmless (applied when the part appears, once).
CREATE TABLE delivery_receipts (
  smsc_message_id text        PRIMARY KEY,
  state           text        NOT NULL CHECK (state IN ('delivered', 'failed', 'expired')),
  error_code      text        NULL,
  done_at         timestamptz NULL,
  received_at     timestamptz NOT NULL DEFAULT now()
);
