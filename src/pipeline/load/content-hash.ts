import type pg from 'pg';
import { sha256File } from '../../engine/read/sha256.js';
import { findCompletedLoad, hasCompletedLoadOfSize } from '../../warehouse/queries/load-events.js';
import type { LoadedFile } from './types.js';

/**
 * A file's SHA-256, for the load event and idempotency. Workbooks and downloads come with it;
 * local delimited text does not, because hashing it up front is a pass over every byte (most of
 * detection's time on a big file) and the raw COPY reads every byte anyway and hashes them as it
 * sends them. Idempotency needs it first only when an earlier load read a file of the same size.
 */
export class ContentHash {
  private value: string | null;

  constructor(private readonly file: LoadedFile) {
    this.value = file.sha256;
  }

  /** the hash, when known by now */
  get known(): string | null {
    return this.value;
  }

  /** the hash a pass that read every byte of the file computed */
  learnt(sha256: string): void {
    this.value ??= sha256;
  }

  /** the hash, by a pass of its own when not known yet */
  async get(): Promise<string> {
    if (this.value !== null) return this.value;
    if (!this.file.path) throw new Error(`no SHA-256 and no path for ${this.file.reference}`);
    this.value = await sha256File(this.file.path);
    return this.value;
  }

  /** The completed load of this content for this source, period and table, if any. */
  async findLoaded(
    db: pg.ClientBase,
    q: { source_code: string; target_schema: string; period: string | null; table_id: string | null },
  ): Promise<{ load_id: string; completed_at: Date; rows_loaded: string } | null> {
    // no load read a file this size, so none read this content: no need to hash yet
    if (this.value === null && !(await hasCompletedLoadOfSize(db, { ...q, file_bytes: this.file.bytes })))
      return null;
    return findCompletedLoad(db, { ...q, file_sha256: await this.get() });
  }
}
