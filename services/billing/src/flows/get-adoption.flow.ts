// One billing cycle's adoption figures (domain/adoption.ts says what is counted), read from one
// snapshot: the three queries run in one REPEATABLE READ transaction, so a payment settling
// meanwhile is in all of them or in none, and the channels add up to the totals.
import { withTransaction } from '@gateway/kit';
import type { AdoptionResponse } from '@gateway/contracts';
import type { Pool } from 'pg';
import { buildAdoption, cycleOf, cycleRange } from '../domain/adoption.ts';
import { cycleFigures, cycleMoneyByChannel, publicEntityBalances, tuneForAggregates } from '../store/pg-adoption-store.ts';

export async function getAdoption(deps: { pool: Pool; now: () => Date }, input: { cycle?: string | undefined }): Promise<AdoptionResponse> {
  const now = deps.now();
  const range = cycleRange(input.cycle ?? cycleOf(now));
  return withTransaction(
    deps.pool,
    async (client) => {
      await tuneForAggregates(client);
      const figures = await cycleFigures(client, range);
      const channelMoney = await cycleMoneyByChannel(client, range);
      const entities = await publicEntityBalances(client);
      return buildAdoption({ range, figures, channelMoney, entities }, now);
    },
    { isolationLevel: 'repeatable read' },
  );
}
