import qs from 'qs';

/**
 * Decodes a query string or form body the way PHP fills $_GET/$_POST: nested `a[b][c]=`, `a[]=`
 * appends, the last duplicate wins, and `.`/space in top-level names become `_`.
 */
export function parsePhpQuery(input: string): Record<string, unknown> {
  const parsed = qs.parse(input, {
    depth: 32,
    arrayLimit: 10_000,
    parameterLimit: 1_000_000,
    duplicates: 'last',
    allowPrototypes: false,
    ignoreQueryPrefix: true,
  }) as Record<string, unknown>;
  return mangleTopLevelNames(parsed);
}

function mangleTopLevelNames(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    if (/[. ]/.test(key)) {
      out ??= { ...obj };
      delete out[key];
      out[key.replace(/[. ]/g, '_')] = obj[key];
    }
  }
  return out ?? obj;
}

/** PHP's http_build_query, for clients and the events we post. */
export function buildPhpQuery(obj: Record<string, unknown>): string {
  return qs.stringify(obj, { arrayFormat: 'indices' });
}
