import { parentPort } from 'node:worker_threads';
import { type PostAnswer, type PostRequest, postBodyHere } from './http-delivery.js';

/**
 * The delivery thread (http-delivery.ts, DeliveryThread): POSTs each batch of requests it is handed
 * and answers with their results, also in batches of one event-loop turn.
 */
let answers: PostAnswer[] = [];

function flush(): void {
  const batch = answers;
  answers = [];
  parentPort!.postMessage(batch);
}

function answer(a: PostAnswer): void {
  if (answers.length === 0) setImmediate(flush);
  answers.push(a);
}

parentPort!.on('message', (batch: PostRequest[]) => {
  for (const r of batch) void postBodyHere(r.url, r.body, r.timeoutMs, r.headers).then((result) => answer({ id: r.id, result }));
});
