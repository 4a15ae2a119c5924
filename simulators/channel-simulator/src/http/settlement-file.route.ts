// GET /settlements/{YYYY-MM-DD}.csv: the day's statement as the channel would publish it. Written
// with a CSV library, because a description or reference with a comma or quote must not shift columns.
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isCalendarDate, SETTLEMENT_COLUMNS } from '../domain/settlement.ts';
import type { ApiContext } from './api-context.ts';

const paramsSchema = z.object({
  file: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.csv$/, 'must be YYYY-MM-DD.csv')
    .refine((file) => isCalendarDate(file.slice(0, 10)), 'must be a calendar date'),
});

export function settlementFileRoute(context: ApiContext): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/settlements/:file', { schema: { summary: "A day's settlement file (CSV)", params: paramsSchema } }, async (request, reply) => {
      const date = request.params.file.slice(0, 10);
      const rows = context.state.settlement(date);
      const csv = stringify(rows, { header: true, columns: [...SETTLEMENT_COLUMNS] });
      return reply
        .code(200)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${context.state.channel.channelId}-${date}.csv"`)
        .send(csv);
    });
  };
}
