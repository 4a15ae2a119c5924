// The SPA's build: `vite build` writes dist/, which the console backend serves at `/`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Vite reads its configuration from the default export.
// eslint-disable-next-line no-restricted-syntax
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  // `vite dev` against a console backend on :3000 (npm start).
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
