// The live overview's API: the snapshot (GET /api/overview) and its stream (GET /api/overview/stream,
// server-sent events). EventSource reconnects by itself after a network error; when the server
// refuses the stream (a 401: the session ended) it gives up, so a refused stream asks the session
// once (a 401 there signs the page out) and then tries again.
import { request } from './api.ts';

export type ChannelAmount = { channelId: string; currency: string; count: number; amount: number };

export interface OverviewSnapshot {
  generatedAt: string;
  feed: { connected: boolean; error: string | null };
  paymentsPerMinute: { minute: string; count: number; byChannel: ChannelAmount[] }[];
  settlementLag: { samples: number; p50Ms: number | null; p95Ms: number | null };
  channels: { channelId: string; succeeded: number; failed: number; successRate: number | null; p95LatencyMs: number | null; pushed: number }[];
  lastEventAt: string | null;
  intents: { source: 'orchestration' | 'events'; counts: Record<string, number> };
  consumerLag: { available: boolean; error: string | null; services: { service: string; lag: number; groups: { groupId: string; lag: number }[] }[] };
  outbox: { service: string; available: boolean; unpublished: number; oldestUnpublishedAt: string | null; parked: number; error: string | null }[];
  deadLetters: {
    open: { total: number; services: { service: string; available: boolean; open: number; more: boolean; error: string | null }[] };
    topics: { available: boolean; error: string | null; total: number; topics: { topic: string; messages: number }[] };
  };
}

export function getOverview(): Promise<OverviewSnapshot> {
  return request<OverviewSnapshot>('GET', '/api/overview');
}

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/** Follows the stream until the returned function is called. */
export function followOverview(onSnapshot: (snapshot: OverviewSnapshot) => void, onState: (state: StreamState) => void): () => void {
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const open = () => {
    if (closed) return;
    const es = new EventSource('/api/overview/stream', { withCredentials: true });
    source = es;
    es.addEventListener('open', () => onState('live'));
    es.addEventListener('overview', (event) => {
      onState('live');
      onSnapshot(JSON.parse((event as MessageEvent<string>).data) as OverviewSnapshot);
    });
    es.addEventListener('error', () => {
      onState('reconnecting');
      if (es.readyState !== EventSource.CLOSED) return; // the browser is retrying by itself
      es.close();
      // A refused stream: the session check signs the page out on a 401; otherwise try again.
      retry = setTimeout(() => {
        void request('GET', '/api/session')
          .catch(() => undefined)
          .finally(open);
      }, 3_000);
    });
  };
  onState('connecting');
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}
