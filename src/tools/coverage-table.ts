import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRegistry } from '../http/registry.js';
import type { MethodRegistry } from '../methods/registry.js';

/** Folders of b24restdocs whose pages this server implements or will implement. */
const DOC_SOURCES = [
  'api-reference/chat-bots',
  'api-reference/chats',
  'api-reference/common/system',
  'api-reference/common/users/profile.md',
  'api-reference/user/user-current.md',
  'api-reference/events',
  'settings/how-to-call-rest-api/batch.md',
];

const TITLE_METHOD = /\b((?:im|imbot|imopenlines|event|app|method|server|user)\.[A-Za-z0-9.]*[A-Za-z0-9])\b|\b(methods|scope|profile|batch)$/;

function walk(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return p.endsWith('.md') ? [p] : [];
  return fs.readdirSync(p).flatMap((f) => walk(path.join(p, f)));
}

/** Documented methods: the method name a page's title ends with (e.g. "# Get Current Server Time server.time"). */
export function documentedMethods(docsRoot: string): Map<string, { name: string; page: string }> {
  const found = new Map<string, { name: string; page: string }>();
  for (const src of DOC_SOURCES) {
    for (const file of walk(path.join(docsRoot, src))) {
      const title = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('# '));
      const m = title?.trim().match(TITLE_METHOD);
      const name = m?.[1] ?? m?.[2];
      if (!name || /^(im|imbot)\.v2$/.test(name) || name.split('.').length < 2 && !m?.[2]) continue;
      if (!found.has(name.toLowerCase())) found.set(name.toLowerCase(), { name, page: path.relative(docsRoot, file) });
    }
  }
  return found;
}

export function coverageMarkdown(registry: MethodRegistry, docsRoot: string): string {
  const docs = documentedMethods(docsRoot);
  const rows: string[] = [];
  const implemented = registry.all().sort((a, b) => a.name.localeCompare(b.name));
  for (const m of implemented) {
    const page = m.docs ?? docs.get(m.name.toLowerCase())?.page ?? '';
    const notes = [m.auth === 'oauth' ? 'applications only' : '', m.batch === false ? 'not in batch' : ''].filter(Boolean).join(', ');
    rows.push(`| \`${m.name}\` | ${m.scope} | yes | ${page ? `\`${page}\`` : ''} | ${notes} |`);
  }
  const missing = [...docs.values()].filter((d) => !registry.find(d.name)).sort((a, b) => a.name.localeCompare(b.name));
  for (const d of missing) rows.push(`| \`${d.name}\` | | not yet | \`${d.page}\` | |`);
  return [
    '# Method coverage',
    '',
    'Generated from the method registry and the documentation titles by `npm run docs:coverage`;',
    'a test fails when this file is out of date.',
    '',
    `Implemented: ${implemented.length}. Documented and not yet implemented: ${missing.length}.`,
    '',
    '| method | scope | implemented | specification (b24restdocs) | notes |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export const defaultDocsRoot = (repoRoot: string) => path.resolve(repoRoot, '..', 'shared', 'reference', 'b24restdocs');

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = path.join(repoRoot, 'docs', 'coverage.md');
  fs.writeFileSync(out, coverageMarkdown(buildRegistry(), defaultDocsRoot(repoRoot)));
  process.stdout.write(`wrote ${out}\n`);
}
