import type { FastifyRequest } from 'fastify';
import { parsePhpQuery } from '../util/php-params.js';

/**
 * multipart/form-data with PHP field names (`FIELDS[NAME]`). A file part becomes the REST file
 * convention `[fileName, base64Content]`, the form methods accept for file fields.
 */
export async function readMultipart(req: FastifyRequest): Promise<Record<string, unknown>> {
  const pairs: string[] = [];
  const add = (name: string, value: string) => pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      add(`${part.fieldname}[0]`, part.filename);
      add(`${part.fieldname}[1]`, content.toString('base64'));
    } else {
      add(part.fieldname, String(part.value ?? ''));
    }
  }
  return parsePhpQuery(pairs.join('&'));
}
