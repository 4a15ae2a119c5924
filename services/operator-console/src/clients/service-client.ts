// Calls the services' operator routes as the console's own `operator` client (kit's signRequest),
// naming the signed-in person in x-operator-person (covered by the signature), so the service's audit
// row says who acted and not only which key. A service that cannot be reached, or fails, is a 503 to
// the browser; its 4xx answers (not_found, invalid_request) pass through with their code.
import { ApiError, errorCodeSchema } from '@gateway/contracts';
import { OPERATOR_PERSON_HEADER, signRequest } from '@gateway/kit';

export type ServiceClientOptions = {
  /** The service's base URL, e.g. http://127.0.0.1:3003. */
  baseUrl: string;
  /** What the browser is told when it fails, e.g. "the bank adapter". */
  name: string;
  keyId: string;
  /** Base64 of the HMAC key, as in clients.json. */
  secret: string;
  timeoutMs: number;
};

export type ServiceClient = {
  call<T>(method: 'GET' | 'POST', path: string, options: { person: string; body?: unknown; headers?: Record<string, string> }): Promise<T>;
  /** Whether the service answers at all (its /healthz). */
  ping(): Promise<void>;
};

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const unavailable = (cause?: unknown) => new ApiError('service_unavailable', `${options.name} is not answering; try again shortly.`, undefined, { cause });
  return {
    async call<T>(method: 'GET' | 'POST', path: string, call: { person: string; body?: unknown; headers?: Record<string, string> }): Promise<T> {
      const url = new URL(path, options.baseUrl);
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      const headers: Record<string, string> = { ...call.headers, [OPERATOR_PERSON_HEADER]: call.person };
      if (body !== undefined) headers['content-type'] = 'application/json';
      Object.assign(headers, await signRequest({ method, url, body, headers, keyId: options.keyId, secret: options.secret }));
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body: body ?? null, signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        throw unavailable(error);
      }
      const json = (await response.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown } } | undefined;
      if (response.ok) return json as T;
      const code = errorCodeSchema.safeParse(json?.error?.code);
      if (response.status < 500 && code.success && code.data !== 'unauthenticated') {
        throw new ApiError(code.data, typeof json?.error?.message === 'string' ? json.error.message : undefined);
      }
      // A 401 from the service is the console's own key being refused: the operator can do nothing about it.
      throw unavailable(new Error(`${method} ${url.pathname} answered ${response.status}`));
    },
    async ping() {
      const response = await fetch(new URL('/healthz', options.baseUrl), { signal: AbortSignal.timeout(options.timeoutMs) });
      if (!response.ok) throw new Error(`${options.name} /healthz answered ${response.status}`);
    },
  };
}
