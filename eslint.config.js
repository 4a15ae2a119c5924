// Lint runs inside `npm test`; type-aware rules catch floating promises, which in a payment path
// mean an unawaited write or an unhandled rejection.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A relative import reaching one of src/'s folders (or files) from a sibling folder: `../store/x.ts`. */
const layerPath = (...names) => `^(\\.\\./)+(${names.join('|')})(\\.ts)?(/|$)`;
/**
 * Packages, with their subpaths (`pg/lib/x`); `fastify` also covers its plugins and type providers
 * (`@fastify/rate-limit`, `fastify-type-provider-zod`).
 */
const frameworks = (...names) =>
  `^(${names.map((n) => (n === 'fastify' ? 'fastify(-[^/]+)?|@fastify/[^/]+' : n.replaceAll('.', '\\.'))).join('|')})(/.*)?$`;

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.data/**', '**/dist/**', 'coverage/**', '*.config.js', 'infra/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // process.env is read in exactly one place per service: its config.ts (and the kit's config loader).
    files: ['services/*/src/**/*.ts', 'simulators/*/src/**/*.ts'],
    ignores: ['services/*/src/config.ts', 'simulators/*/src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in config.ts only.' }],
    },
  },
  // The layers of a service (README "Layout"): data flows downward, and the domain can be read
  // without knowing Fastify, Kafka or Postgres exist. Imports are matched as written: a relative
  // path into a sibling folder of src/ (`../store/x.ts`, `../../http/y.ts`) or a package name.
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          // kit is the services' infrastructure (Postgres, Kafka, HTTP, config): none of it in the domain.
          { name: '@gateway/kit', message: 'domain/ is pure: no kit infrastructure (contracts is fine).' },
        ],
        patterns: [
          { regex: layerPath('store', 'http', 'events', 'flows', 'jobs', 'channels', 'smpp'), message: 'domain/ imports nothing from store/, http/, events/, flows/, jobs/ or an adapter folder.' },
          { regex: layerPath('main', 'app', 'config'), message: 'domain/ takes its settings as arguments; it does not reach the composition root or config.' },
          { regex: frameworks('fastify', 'kafkajs', 'pg', 'ioredis', 'opossum', 'pino', 'prom-client', 'smpp'), message: 'domain/ is pure: no framework or infrastructure package.' },
        ],
      }],
    },
  },
  {
    files: ['services/*/src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: '@gateway/contracts', importNames: ['ApiError'], message: 'store/ returns values (null, a row); the flow or route decides the HTTP answer.' },
        ],
        patterns: [
          { regex: layerPath('http', 'flows', 'jobs', 'events'), message: 'store/ is SQL only: it imports nothing from http/, flows/, jobs/ or events/.' },
          { regex: frameworks('fastify'), message: 'store/ knows no HTTP.' },
        ],
      }],
    },
  },
  {
    files: ['services/*/src/flows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: layerPath('http'), message: 'A flow is called by routes, never the other way round.' },
          { regex: frameworks('fastify', 'kafkajs', 'ioredis', 'smpp'), message: 'Flows import no framework: take ports (stores, producer, clock) as arguments.' },
        ],
      }],
    },
  },
);
