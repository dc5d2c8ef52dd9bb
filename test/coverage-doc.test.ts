import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../src/http/registry.js';
import { coverageMarkdown, defaultDocsRoot, documentedMethods } from '../src/tools/coverage-table.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const docsRoot = defaultDocsRoot(repoRoot);

describe('docs/coverage.md', () => {
  it('is generated from the current registry (run `npm run docs:coverage`)', () => {
    const onDisk = fs.readFileSync(path.join(repoRoot, 'docs', 'coverage.md'), 'utf8');
    expect(onDisk).toBe(coverageMarkdown(buildRegistry(), docsRoot));
  });

  it('finds the seed methods among the documented ones', () => {
    const docs = documentedMethods(docsRoot);
    for (const name of ['imbot.v2.Bot.register', 'imbot.v2.Bot.update', 'imbot.v2.Chat.Message.update', 'imbot.command.update', 'imbot.app.update']) {
      expect(docs.get(name.toLowerCase())?.name).toBe(name);
    }
  });

  it('links every implemented method to a specification page that exists', () => {
    for (const m of buildRegistry().all()) {
      expect(m.docs, m.name).toBeTruthy();
      expect(fs.existsSync(path.join(docsRoot, m.docs!)), m.docs).toBe(true);
    }
  });
});
