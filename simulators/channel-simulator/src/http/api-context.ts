import type { ChannelState } from '../store/channel-state.ts';

/** What every channel API route needs: the channel's state, and a signal that fires when the server closes (ends held replies). */
export interface ApiContext {
  readonly state: ChannelState;
  readonly closing: AbortSignal;
}
