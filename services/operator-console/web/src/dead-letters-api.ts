// The Outbox screen's dead letters: every service's dead-lettered messages and the replay.
import { request } from './api.ts';

export interface DeadLetter {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  group: string;
  kind: 'schema' | 'handler';
  reason: string;
  attempts: number;
  failedAt: string;
  key: string | null;
  payload: string | null;
  headers: Record<string, string>;
  state: 'open' | 'replayed';
  replayedAt: string | null;
  replayedBy: string | null;
  replayAttempts: number;
  lastReplayError: string | null;
}

export interface ServiceDeadLetters {
  service: string;
  available: boolean;
  rows: DeadLetter[];
  error?: string;
}

export const DEAD_LETTERS_KEY = ['dead-letters'];

export async function listDeadLetters(): Promise<ServiceDeadLetters[]> {
  return (await request<{ services: ServiceDeadLetters[] }>('GET', '/api/dead-letters')).services;
}

/** 409 (an ApiError) with the reason when the message fails again; the row stays open. */
export async function replayDeadLetter(service: string, id: string): Promise<DeadLetter> {
  return (await request<{ deadLetter: DeadLetter }>('POST', `/api/dead-letters/${encodeURIComponent(service)}/${encodeURIComponent(id)}/replay`)).deadLetter;
}
