import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Folder of the built web pages (`vite build --config web/vite.config.ts` → dist/web/app). Found from the
 * package root, so it is the same whether this module runs from src (tests), dist, or the bundled CLI.
 */
export function webAppDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'imbot-server') return path.join(dir, 'dist', 'web', 'app');
      } catch {
        // not our package.json: keep walking up
      }
    }
    dir = path.dirname(dir);
  }
  return path.resolve('dist', 'web', 'app');
}
