import { isoDate } from '../util/time.js';

export interface OperatingStats {
  operating: number;
  operatingResetAt: number;
}

/** The `time` object of every success (api-reference/data-types.md#time): floats, dates with offset. */
export function timeObject(startMs: number, finishMs: number, processingMs: number, op: OperatingStats) {
  return {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration: (finishMs - startMs) / 1000,
    processing: processingMs / 1000,
    date_start: isoDate(new Date(startMs)),
    date_finish: isoDate(new Date(finishMs)),
    operating_reset_at: op.operatingResetAt,
    operating: op.operating,
  };
}
