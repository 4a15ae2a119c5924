// Every SMS to one subscriber, newest first, with each part's SMSC id and state: what an operator
// needs for "I paid but got no receipt".
import type { Queryable } from '@gateway/kit';
import { messagesTo } from '../store/pg-message-store.ts';
import type { MessageView } from '../store/pg-message-store.ts';

/** `to` is the E.164 number the messages are stored under. */
export async function listMessages(ports: { db: Queryable }, query: { to: string; limit: number }): Promise<MessageView[]> {
  return messagesTo(ports.db, query.to, query.limit);
}
