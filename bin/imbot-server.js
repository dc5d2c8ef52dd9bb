#!/usr/bin/env node
// The bundled build (`npm run build` writes dist/bundle/: one file instead of ~700 modules, which
// is most of the cold start); the plain compiled tree when there is no bundle.
try {
  await import('../dist/bundle/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/bundle/main.js')) throw e;
  await import('../dist/cli/main.js');
}
