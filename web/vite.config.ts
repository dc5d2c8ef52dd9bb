import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two pages, one build: the messenger at `/` (web/index.html) and the developer console at `/console`
 * (web/console/index.html). Output goes to dist/web/app, which src/web/plugin.ts serves; the compiled
 * server modules share dist/web, so only the app folder is emptied.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../dist/web/app'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        messenger: here('./index.html'),
        console: here('./console/index.html'),
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` next to a running server: API, sign-in and live feed go to it.
    proxy: {
      '/rest': 'http://127.0.0.1:8080',
      '/_web': { target: 'http://127.0.0.1:8080', ws: true },
      '/avatars': 'http://127.0.0.1:8080',
    },
  },
});
