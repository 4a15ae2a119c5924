// RFC 9421's "@target-uri" is the absolute URI the client asked for. The server rebuilds it from what
// arrived: scheme + Host + the request-target exactly as sent (request.raw.url, before any routing
// rewrite). Behind a TLS-terminating proxy the scheme and host the client used are only known from
// X-Forwarded-Proto / X-Forwarded-Host, and those are trusted only when the service sets fastify's
// `trustProxy` (fastify's request.protocol and request.host honour them then, and ignore them
// otherwise, so a client cannot talk its way into another scheme).
//
// Both sides compare the WHATWG-normalised form (`new URL(…).href`: lower-case host, default port
// dropped, path percent-encoded the way fetch sends it). A signer therefore signs the href of the URL
// it requests, and a Host header of `example.org:443` over https still verifies.
import type { FastifyRequest } from 'fastify';

export function normaliseTargetUri(url: string | URL): string {
  return new URL(url).href;
}

export function targetUriOf(request: FastifyRequest): string {
  const requestTarget = request.raw.url ?? request.url;
  // Absolute-form request targets (what a forward proxy receives) already are the target URI.
  if (/^https?:\/\//i.test(requestTarget)) return normaliseTargetUri(requestTarget);
  return normaliseTargetUri(`${request.protocol}://${request.host}${requestTarget}`);
}
