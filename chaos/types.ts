// The three parts of the fault suite (issue 13) meet here: the stack it runs and breaks (stack.ts), the
// load that records every request and what came back (load.ts), and the checker that reads the truth
// from every side afterwards (invariants.ts). main.ts runs the scenarios over them.

export type ServiceName = 'billing' | 'payment-orchestration' | 'bank-adapter' | 'notification';
export type ChannelId = 'bank-alpha' | 'wallet-one' | 'wallet-two';
export type DatabaseName = 'billing' | 'payments' | 'bank_adapter' | 'notification';

/** What the channel simulator's POST /control takes (API.md "Simulators"). */
export interface ChannelFaults {
  latencyMs?: number;
  failureRate?: number;
  insufficientFundsRate?: number;
  outage?: boolean;
  dropReplyRate?: number;
}

/** What the SMSC simulator's POST /control takes (simulators/smsc-simulator/src/domain/faults.ts). */
export interface SmscFaults {
  failRate?: number;
  throttle?: boolean;
  dropConnection?: boolean;
  responseDelayMs?: number;
  silent?: boolean;
}

/** The process behind one piece of the stack, read when asked (a scenario's proof that its fault took). */
export interface ProcessFacts {
  /** A service: its child's pid; Kafka, Redis: their pid file's; Postgres: postmaster.pid's. None when there is none. */
  pid?: number;
  /** That pid is a running process (not gone, not a zombie). */
  alive: boolean;
  /** The pid listening on the piece's TCP port now (the one that answers there), if any. */
  listenerPid?: number;
  /** A service only: how its previous process ended (pid, exit code, signal). */
  lastExit?: { pid: number; code: number | null; signal: string | null };
}

/** The suite's own stack: its own Postgres, Redis and Kafka, services and simulators, on ports of its own. */
export interface ChaosStack {
  readonly urls: {
    billing: string;
    orchestration: string;
    bankAdapter: string;
    notification: string;
    channels: Record<ChannelId, string>;
    /** The SMSC simulator's HTTP side (GET /parts, GET /stats, POST /control). */
    smsc: string;
  };
  /** The SMSC simulator's SMPP side (the checker's self-test submits to it as another ESME would). */
  readonly smscSmpp?: { host: string; port: number };
  /** A superuser URL of one service database on the suite's Postgres. */
  databaseUrl(db: DatabaseName): string;
  readonly kafka: { brokers: string[]; sasl: { mechanism: 'scram-sha-512'; username: string; password: string } };
  readonly redisUrl: string;
  /** Where every process's log goes (one file each), for the report of a failed run. */
  readonly logDir: string;

  /** SIGKILL, then resolves when the process is gone. */
  killService(name: ServiceName): Promise<void>;
  /** Starts it again (same port, same settings); resolves when its /readyz answers 200. */
  startService(name: ServiceName): Promise<void>;
  killKafka(): Promise<void>;
  startKafka(): Promise<void>;
  /** `pg_ctl stop -m immediate`. */
  crashPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  flushRedis(): Promise<void>;
  killRedis(): Promise<void>;
  startRedis(): Promise<void>;
  channelFaults(channel: ChannelId, faults: ChannelFaults): Promise<void>;
  smscFaults(faults: SmscFaults): Promise<void>;
  /** Every fault off (channels and SMSC back to their defaults). */
  clearFaults(): Promise<void>;
  /** What runs behind a service or server now: for the scenarios' evidence (optional: a stack may not tell). */
  processOf?(what: ServiceName | 'kafka' | 'postgres' | 'redis'): Promise<ProcessFacts>;
  /** Where the stack writes its progress lines; the scenarios' evidence lines go there too. */
  log?(line: string): void;
  /** Stops everything it started and, unless `keepData`, deletes its data folder. Idempotent. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export type OperationKind =
  | 'bill_import'
  /** GET /v1/bills by a channel before some of its payments (refs: accountNo, billId). */
  | 'bill_inquiry'
  | 'payment'
  | 'reversal'
  | 'intent_create'
  | 'intent_confirm'
  | 'intent_cancel'
  | 'intent_status'
  | 'campaign'
  | 'storm_payment';

/** What the client saw: an HTTP answer, or no answer at all. */
export type Outcome =
  | { kind: 'response'; status: number; code?: string; body: unknown; replayed: boolean }
  | { kind: 'connection_error'; error: string };

/** One request the load sent, with what identifies it and what came back. */
export interface Operation {
  id: number;
  kind: OperationKind;
  /** The scenario running when it was sent. */
  scenario: string;
  /** Epoch ms of the scheduled send (open loop) and of the answer. */
  scheduledAt: number;
  answeredAt: number;
  method: 'GET' | 'POST';
  path: string;
  idempotencyKey?: string;
  body?: unknown;
  outcome: Outcome;
  /**
   * The identifiers that tie it to the truth on the other sides: the request's own (channelTxnId,
   * channelId, payer, accountNo, billId, batchId, externalBillId, campaign name) and the answer's
   * (paymentId, receiptNo, intentId, reversalId, campaignId, intent status).
   */
  refs: Record<string, string>;
}

export interface LoadGenerator {
  /** The scenario name recorded on every operation sent from now on. */
  setScenario(name: string): void;
  /** Begins the steady mixed load on its schedule (open loop). */
  start(): void;
  /** Stops sending, then waits (bounded) for in-flight answers and for the intents it began to be followed up. */
  stop(): Promise<void>;
  /** 100 idempotency keys × 50 concurrent identical requests, then the same channelTxnIds under new keys. */
  duplicateStorm(): Promise<void>;
  operations(): readonly Operation[];
}

export interface Violation {
  invariant: string;
  detail: string;
}

export interface InvariantReport {
  /** True when no invariant is broken. */
  holds: boolean;
  violations: Violation[];
  /** Acknowledged: 2xx operations that promised something (a payment, a succeeded intent, a reversal, an import). */
  acknowledged: number;
  /** Acknowledged but missing, or never settled, on the other sides. */
  lost: number;
  /** Done twice: settled twice, allocated twice, debited twice, an SMS part sent twice. */
  duplicated: number;
}
