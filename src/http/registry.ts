import { methodFamilies } from '../methods/index.js';
import { type MethodDef, MethodRegistry } from '../methods/registry.js';
import { batchMethod } from './batch.js';

/** The registry this server answers from: every method family plus the protocol's own `batch`. */
export function buildRegistry(extra: MethodDef<any>[] = []): MethodRegistry {
  return new MethodRegistry([batchMethod, ...methodFamilies, ...extra]);
}
