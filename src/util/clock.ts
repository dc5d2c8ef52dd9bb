/** Wall-clock milliseconds with sub-millisecond precision (Bitrix reports microtime(true)). */
export const preciseNowMs = (): number => performance.timeOrigin + performance.now();
