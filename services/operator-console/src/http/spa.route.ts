// The single-page application, from the Vite build in web/dist: a file that exists is sent as it is,
// any other GET outside /api answers index.html, so the SPA's own routes survive a reload. Without a
// build, 503 with the one line that says how to make it; the API keeps working.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '@gateway/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from './route-deps.ts';

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

export const missingBuildHint = "The console's web app is not built: run `bash infra/local/install.sh` (npm start does it), then reload.";

export function spaRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  const root = path.resolve(deps.webDistDir);
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
      if (urlPath === '/api' || urlPath.startsWith('/api/')) throw new ApiError('not_found');
      const file = path.resolve(root, `.${urlPath}`);
      // @fastify/static refuses paths outside root as well; checked here so the fallback never leaks.
      if (file.startsWith(`${root}${path.sep}`) && (await isFile(file))) return reply.sendFile(path.relative(root, file));
      if (!(await isFile(path.join(root, 'index.html')))) return reply.code(503).type('text/plain; charset=utf-8').send(`${missingBuildHint}\n`);
      // index.html names the hashed assets of the build: never cached, so a new build is picked up.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  };
}
