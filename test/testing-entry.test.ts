import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 8: `import { startTestServer } from 'imbot-server/testing'` — the example of docs/testing.md runs
// here as it is written (it imports the package by name, through package.json "exports", from dist/).

describe('docs/testing.md example (examples/echo-bot.test-example.ts)', async () => {
  await import('../examples/echo-bot.test-example.js');
});

describe('the documented example is the one that runs', () => {
  const doc = fs.readFileSync(new URL('../docs/testing.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  for (const file of ['echo-bot.test-example.ts', 'echo-bot.ts']) {
    it(`docs/testing.md shows examples/${file} verbatim`, () => {
      const source = fs.readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
      expect(blocks).toContain(source);
    });
  }

  it('package.json exports "." and "./testing" with their types', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(fs.existsSync(new URL('../dist/testing/index.d.ts', import.meta.url))).toBe(true);
  });
});
