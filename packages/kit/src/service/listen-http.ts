import type { Shutdown } from '../lifecycle/shutdown.ts';
import type { HttpServer } from '../http/create-http-server.ts';

/**
 * Listens last and is registered last, so on SIGTERM it closes first: no new request is taken
 * while the consumers, the relay and the pools behind them are still up to finish in-flight work.
 */
export async function listenHttp(app: HttpServer, address: { host: string; port: number }, shutdown: Shutdown): Promise<string> {
  shutdown.register('http server', () => app.close());
  return app.listen({ host: address.host, port: address.port });
}
