/**
 * The daily logical backup of D1 into R2 (CodaLab's monitor script took mysqldumps): every table's
 * schema and rows as SQL (core/src/admin/sql-dump.ts), gzip-compressed as it is written and sent
 * to R2 in fixed-size multipart parts, so memory stays at one part whatever the database's size.
 * Rows are read in pages by rowid, table by table: not one snapshot (D1 offers no read
 * transaction across queries); Time Travel is the point-in-time tool (docs/operators/backups.md).
 */
import {
  BACKUP_PREFIX,
  type BackupSummary,
  backupKey,
  dumpHeader,
  expiredBackups,
  FIRST_PAGE_ROWS,
  nextPageRows,
  quoteIdentifier,
  rowStatements,
  schemaStatement,
  utcDay,
} from "@codalab/core";

/** R2 wants every part but the last at least 5 MiB, and all of one size. */
const PART_BYTES = 8 * 1024 * 1024;
/** Text is handed to the compressor in pieces about this large. */
const TEXT_BATCH = 64 * 1024;
const ROWID_COLUMN = "__codalab_rowid";

type SchemaObject = { type: string; name: string; sql: string };

/** Gzip output cut into equal parts: uploaded as a multipart upload once there is more than one part. */
class PartWriter {
  private readonly bucket: R2Bucket;
  private readonly key: string;
  private upload: R2MultipartUpload | null = null;
  private readonly uploaded: R2UploadedPart[] = [];
  private buffer = new Uint8Array(PART_BYTES);
  private filled = 0;
  bytes = 0;

  constructor(bucket: R2Bucket, key: string) {
    this.bucket = bucket;
    this.key = key;
  }

  async consume(readable: ReadableStream<Uint8Array>): Promise<void> {
    for await (const chunk of readable) {
      this.bytes += chunk.byteLength;
      let offset = 0;
      while (offset < chunk.byteLength) {
        const take = Math.min(PART_BYTES - this.filled, chunk.byteLength - offset);
        this.buffer.set(chunk.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === PART_BYTES) await this.flushPart();
      }
    }
  }

  private async flushPart(): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, {
      httpMetadata: { contentType: "application/gzip" },
    });
    this.uploaded.push(await this.upload.uploadPart(this.uploaded.length + 1, this.buffer.slice(0, this.filled)));
    this.filled = 0;
  }

  async finish(customMetadata: Record<string, string>): Promise<void> {
    if (this.upload === null) {
      await this.bucket.put(this.key, this.buffer.slice(0, this.filled), {
        httpMetadata: { contentType: "application/gzip" },
        customMetadata,
      });
      return;
    }
    if (this.filled > 0) await this.flushPart();
    await this.upload.complete(this.uploaded);
  }

  async abort(): Promise<void> {
    await this.upload?.abort();
  }
}

async function schemaObjects(db: D1Database): Promise<SchemaObject[]> {
  // D1's own tables (_cf_*) cannot be read and are not ours; sqlite_sequence follows the inserts.
  const { results } = await db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'
       ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, name`,
    )
    .all<SchemaObject>();
  return results;
}

/** Writes `backups/d1/<day>.sql.gz` and deletes backups older than `retentionDays`. */
export async function backupDatabase(
  db: D1Database,
  bucket: R2Bucket,
  now: Date,
  retentionDays: number,
): Promise<Exclude<BackupSummary, { error: string }>> {
  const started = Date.now();
  const day = utcDay(now);
  const key = backupKey(day);
  const gzip = new CompressionStream("gzip");
  const parts = new PartWriter(bucket, key);
  const consuming = parts.consume(gzip.readable);
  const writer = gzip.writable.getWriter();
  const encoder = new TextEncoder();
  let pending = "";
  const write = async (line: string) => {
    pending += `${line}\n`;
    if (pending.length >= TEXT_BATCH) {
      await writer.write(encoder.encode(pending));
      pending = "";
    }
  };

  let rows = 0;
  let tables = 0;
  try {
    await write(dumpHeader(now));
    const objects = await schemaObjects(db);
    const tableNames = objects.filter((object) => object.type === "table").map((object) => object.name);
    for (const object of objects.filter((object) => object.type === "table")) await write(schemaStatement(object.sql));
    for (const table of tableNames) {
      tables++;
      let after = Number.MIN_SAFE_INTEGER;
      let limit = FIRST_PAGE_ROWS;
      for (;;) {
        const { asked, result } = await readPage(db, table, after, limit);
        const [columns, ...page] = result;
        const names = (columns ?? []).slice(1) as string[];
        let bytes = 0;
        for (const row of page) {
          for (const statement of rowStatements(table, names, row.slice(1))) {
            bytes += statement.length;
            await write(statement);
          }
          after = row[0] as number;
        }
        rows += page.length;
        if (page.length < asked) break;
        limit = nextPageRows(asked, bytes);
      }
    }
    // Indexes, views and triggers after the rows: one index build each instead of one per insert.
    for (const object of objects.filter((object) => object.type !== "table")) await write(schemaStatement(object.sql));
    if (pending !== "") await writer.write(encoder.encode(pending));
    await writer.close();
    await consuming;
    await parts.finish({ tables: String(tables), rows: String(rows) });
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    await consuming.catch(() => undefined);
    await parts.abort().catch(() => undefined);
    throw error;
  }

  const deleted = expiredBackups(await listKeys(bucket, BACKUP_PREFIX), day, retentionDays);
  if (deleted.length > 0) await bucket.delete(deleted);
  return { key, bytes: parts.bytes, tables, rows, seconds: (Date.now() - started) / 1000, deleted };
}

/**
 * Up to `limit` rows after rowid `after`, the column names first. A page too large for one D1
 * answer (50 MB) fails; it is asked again smaller, down to a single row.
 */
async function readPage(
  db: D1Database,
  table: string,
  after: number,
  limit: number,
): Promise<{ asked: number; result: unknown[][] }> {
  for (let rows = limit; ; rows = Math.max(1, Math.floor(rows / 4))) {
    try {
      const result = await db
        .prepare(
          `SELECT rowid AS ${ROWID_COLUMN}, * FROM ${quoteIdentifier(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
        )
        .bind(after, rows)
        .raw<unknown[]>({ columnNames: true });
      return { asked: rows, result };
    } catch (error) {
      if (rows === 1) throw error;
    }
  }
}

async function listKeys(bucket: R2Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor !== undefined);
  return keys;
}
