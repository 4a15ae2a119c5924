// The channel's own books: one balance per customer, in integer minor units of the channel's currency.
// A customer nobody configured opens with the demo balance on first use, so any well-formed payer can
// pay in a demo without set-up.
import type { ConfiguredAccount } from './channel.ts';

export interface Ledger {
  readonly demoBalance: number;
  readonly balances: Map<string, number>;
  readonly blocked: ReadonlySet<string>;
}

export type Withdrawal = { readonly ok: true; readonly balance: number } | { readonly ok: false; readonly code: 'insufficient_funds' };

export function createLedger(accounts: readonly ConfiguredAccount[], demoBalance: number): Ledger {
  return {
    demoBalance,
    balances: new Map(accounts.map((a) => [a.payer, a.balance])),
    blocked: new Set(accounts.filter((a) => a.blocked).map((a) => a.payer)),
  };
}

export function balanceOf(ledger: Ledger, payer: string): number {
  return ledger.balances.get(payer) ?? ledger.demoBalance;
}

export function isBlocked(ledger: Ledger, payer: string): boolean {
  return ledger.blocked.has(payer);
}

export function withdraw(ledger: Ledger, payer: string, amount: number): Withdrawal {
  const balance = balanceOf(ledger, payer);
  if (amount > balance) return { ok: false, code: 'insufficient_funds' };
  ledger.balances.set(payer, balance - amount);
  return { ok: true, balance: balance - amount };
}

export function deposit(ledger: Ledger, payer: string, amount: number): number {
  const balance = balanceOf(ledger, payer) + amount;
  ledger.balances.set(payer, balance);
  return balance;
}
