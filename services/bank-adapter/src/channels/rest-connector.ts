// The connectors for channels that speak the REST debit API (rest-debit-api.ts): a bank debits on
// arrival and is asked about outcomes by status inquiry; a wallet answers a debit with an OTP request
// to the payer and moves the money on confirm. Both send our reference with every debit, so a channel
// that deduplicates by it answers a repeat with the original debit.
import type { ChannelDefinition, ConnectorName } from '../domain/channel-registry.ts';
import type { ChannelConnector, DebitAnswer, DebitRequest, InquiryKey } from '../domain/connector.ts';
import { ChannelCallError } from '../domain/connector.ts';
import { channelRequest, channelText } from './channel-http.ts';
import { debitAnswerOf, inquiryAnswerOf, reversalAnswerOf, reversalStatusOf } from './rest-debit-api.ts';

function debitBody(request: DebitRequest) {
  const payer: Record<string, string> = {};
  if (request.payer.msisdn !== null) payer['msisdn'] = request.payer.msisdn;
  if (request.payer.accountNo !== null) payer['accountNo'] = request.payer.accountNo;
  return { reference: request.reference, payer, amount: request.amount, description: request.description };
}

class RestConnector implements ChannelConnector {
  protected readonly channel: ChannelDefinition;
  constructor(channel: ChannelDefinition) {
    this.channel = channel;
  }

  async debit(request: DebitRequest, signal: AbortSignal): Promise<DebitAnswer> {
    const reply = await channelRequest(this.channel, 'POST', 'debits', signal, debitBody(request));
    return debitAnswerOf(`POST ${this.channel.channelId}/debits`, reply);
  }

  async confirmOtp(channelRef: string, otp: string, signal: AbortSignal): Promise<DebitAnswer> {
    const path = `debits/${encodeURIComponent(channelRef)}/confirm`;
    const reply = await channelRequest(this.channel, 'POST', path, signal, { otp });
    return debitAnswerOf(`POST ${this.channel.channelId}/${path}`, reply, channelRef);
  }

  async inquire(key: InquiryKey, signal: AbortSignal) {
    // By the channel's id when we have it (exact), else by our reference (all we have after a debit
    // whose reply never came).
    const path = key.channelRef !== null ? `debits/${encodeURIComponent(key.channelRef)}` : `debits?reference=${encodeURIComponent(key.reference)}`;
    const reply = await channelRequest(this.channel, 'GET', path, signal);
    return inquiryAnswerOf(`GET ${this.channel.channelId}/${path}`, reply);
  }

  async reverse(channelRef: string, reason: string, signal: AbortSignal) {
    const path = `debits/${encodeURIComponent(channelRef)}/reversal`;
    const reply = await channelRequest(this.channel, 'POST', path, signal, { reason });
    return reversalAnswerOf(`POST ${this.channel.channelId}/${path}`, reply);
  }

  async reversalStatus(channelRef: string, signal: AbortSignal) {
    const path = `debits/${encodeURIComponent(channelRef)}`;
    const reply = await channelRequest(this.channel, 'GET', path, signal);
    return reversalStatusOf(`GET ${this.channel.channelId}/${path}`, reply);
  }

  async settlementFile(businessDate: string, signal: AbortSignal): Promise<string> {
    const { status, text } = await channelText(this.channel, `settlements/${businessDate}.csv`, signal);
    if (status !== 200) throw new ChannelCallError(`GET ${this.channel.channelId}/settlements/${businessDate}.csv: ${status}`, { effect: 'none', status });
    return text;
  }
}

/** A bank account: direct debit, settled on arrival; no OTP step. */
export class BankConnector extends RestConnector {
  override async confirmOtp(channelRef: string): Promise<DebitAnswer> {
    // Nothing to confirm at a bank: refuse locally, nothing moved, and nothing is sent.
    return Promise.resolve({ kind: 'failed', channelRef, reason: 'declined', code: null, message: 'This channel takes no OTP.' });
  }
}

/** A mobile wallet: debit request → OTP to the payer → confirm. */
export class WalletConnector extends RestConnector {}

const connectorClasses: Record<ConnectorName, new (channel: ChannelDefinition) => ChannelConnector> = {
  'bank-rest': BankConnector,
  'wallet-rest': WalletConnector,
};

export function createConnector(channel: ChannelDefinition): ChannelConnector {
  return new connectorClasses[channel.connector](channel);
}
