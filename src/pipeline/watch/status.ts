import type pg from 'pg';
import { listForStatus, type TrackingRow } from '../../warehouse/queries/watch-tracking.js';

/** What `watch status` shows: files waiting, in review or processing, and the latest outcomes. */
export interface WatchStatus {
  readonly waiting: readonly TrackingRow[];
  readonly review: readonly TrackingRow[];
  readonly processing: readonly TrackingRow[];
  readonly recent: readonly TrackingRow[];
}

export async function watchStatus(pool: pg.Pool, recent = 20): Promise<WatchStatus> {
  const rows = await listForStatus(pool, recent);
  const by = (...s: string[]) => rows.filter((r) => s.includes(r.status));
  return {
    waiting: by('detected', 'waiting'),
    review: by('review'),
    processing: by('processing'),
    recent: by('processed', 'duplicate', 'error', 'rejected').sort(
      (a, b) =>
        (b.processed_at?.getTime() ?? 0) - (a.processed_at?.getTime() ?? 0) || Number(b.id) - Number(a.id),
    ),
  };
}
