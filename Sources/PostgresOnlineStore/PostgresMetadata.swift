import OnlineStore
import PostgresNIO

/// The store's own tables, in the schema named after `kafka.group_id` beside the group
/// tables: the schema registry, positions per table and partition (with the log clock
/// there), the offline table versions applied, and the dedup entries. They change in the
/// same transaction as the rows, which is what makes a batch atomic across all of them.
struct PostgresMetadata {
  let namespace: String

  private func table(_ name: String) -> String {
    PostgresOnlineStore.quote(namespace) + "." + name
  }

  var schemas: String { table("_idemstream_schemas") }
  var positions: String { table("_idemstream_table_positions") }
  var appliedVersions: String { table("_idemstream_applied_versions") }
  var dedupEntries: String { table("_idemstream_dedup_entries") }

  /// Dedup entries keep their append order in `seq`, and a batch retried after its COMMIT
  /// was sent but its answer lost (the connection broke) adds no entry twice: the record's
  /// table tag, partition, offset and key hash name it.
  var create: [String] {
    [
      "CREATE SCHEMA IF NOT EXISTS \(PostgresOnlineStore.quote(namespace))",
      """
      CREATE TABLE IF NOT EXISTS \(schemas) (
        group_name text COLLATE "C" NOT NULL, version integer NOT NULL,
        table_name text COLLATE "C" NOT NULL UNIQUE, definition text NOT NULL,
        PRIMARY KEY (group_name, version))
      """,
      """
      CREATE TABLE IF NOT EXISTS \(positions) (
        table_name text COLLATE "C" NOT NULL, topic text COLLATE "C" NOT NULL,
        kafka_partition integer NOT NULL, last_offset bigint NOT NULL, log_clock bigint,
        PRIMARY KEY (table_name, topic, kafka_partition))
      """,
      """
      CREATE TABLE IF NOT EXISTS \(appliedVersions) (
        table_name text COLLATE "C" NOT NULL PRIMARY KEY, version bigint NOT NULL)
      """,
      """
      CREATE TABLE IF NOT EXISTS \(dedupEntries) (
        seq bigserial PRIMARY KEY, key_hash_high bigint NOT NULL, key_hash_low bigint NOT NULL,
        fingerprint bigint NOT NULL, kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL, log_clock bigint NOT NULL, table_tag integer NOT NULL,
        UNIQUE (table_tag, kafka_partition, kafka_offset, key_hash_high, key_hash_low))
      """,
    ]
  }

  /// Positions only move forward: replaying an earlier range must not send consumption
  /// back. The clock moves with the position it belongs to.
  func advance(_ positions: [PartitionPosition]) -> PostgresQuery {
    var binds = PostgresBindings()
    binds.append(PostgresArray.texts(positions.map(\.table)))
    binds.append(PostgresArray.texts(positions.map(\.topic)))
    binds.append(PostgresArray.int32s(positions.map(\.partition)))
    binds.append(PostgresArray.int64s(positions.map(\.offset)))
    var clocks = PostgresArray.Builder(
      element: .int8, array: .int8Array, count: positions.count, bytesPerElement: 8)
    for position in positions {
      if position.logClockMillis == .min {
        clocks.appendNull()
      } else {
        clocks.append(position.logClockMillis)
      }
    }
    binds.append(clocks.finish())
    return PostgresQuery(
      unsafeSQL: """
        INSERT INTO \(self.positions) AS held
          (table_name, topic, kafka_partition, last_offset, log_clock)
        SELECT DISTINCT ON (t, p, k) t, p, k, o, c
        FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[])
          AS given(t, p, k, o, c)
        ORDER BY t, p, k, o DESC
        ON CONFLICT (table_name, topic, kafka_partition)
        DO UPDATE SET last_offset = excluded.last_offset, log_clock = excluded.log_clock
        WHERE excluded.last_offset > held.last_offset
        """, binds: binds)
  }

  /// Applied versions only move forward, like positions.
  func advance(_ versions: [String: Int64]) -> PostgresQuery {
    let sorted = versions.sorted { $0.key < $1.key }
    var binds = PostgresBindings()
    binds.append(PostgresArray.texts(sorted.map(\.key)))
    binds.append(PostgresArray.int64s(sorted.map(\.value)))
    return PostgresQuery(
      unsafeSQL: """
        INSERT INTO \(appliedVersions) AS held (table_name, version)
        SELECT * FROM unnest($1::text[], $2::bigint[])
        ON CONFLICT (table_name) DO UPDATE SET version = greatest(held.version, excluded.version)
        """, binds: binds)
  }

  /// Appends dedup entries in the order given.
  func append<Entries: Collection<DedupEntryRecord>>(_ entries: Entries) -> PostgresQuery {
    var binds = PostgresBindings()
    binds.append(PostgresArray.int64s(entries.map { Int64(bitPattern: $0.keyHash.high) }))
    binds.append(PostgresArray.int64s(entries.map { Int64(bitPattern: $0.keyHash.low) }))
    binds.append(PostgresArray.int64s(entries.map { Int64(bitPattern: $0.fingerprint) }))
    binds.append(PostgresArray.int32s(entries.map(\.partition)))
    binds.append(PostgresArray.int64s(entries.map(\.offset)))
    binds.append(PostgresArray.int64s(entries.map(\.clockMillis)))
    binds.append(PostgresArray.int32s(entries.map { Int32($0.tableTag) }))
    return PostgresQuery(
      unsafeSQL: """
        INSERT INTO \(dedupEntries) (key_hash_high, key_hash_low, fingerprint, kafka_partition,
          kafka_offset, log_clock, table_tag)
        SELECT h, l, f, p, o, c, t FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],
          $4::integer[], $5::bigint[], $6::bigint[], $7::integer[]) WITH ORDINALITY
          AS given(h, l, f, p, o, c, t, n)
        ORDER BY n
        ON CONFLICT DO NOTHING
        """, binds: binds)
  }

  static func dedupEntry(from row: PostgresRow) throws -> (seq: Int64, entry: DedupEntryRecord) {
    let (seq, high, low, fingerprint, partition, offset, clock, tag) = try row.decode(
      (Int64, Int64, Int64, Int64, Int32, Int64, Int64, Int32).self)
    return (
      seq,
      DedupEntryRecord(
        keyHash: DedupKeyHash(high: UInt64(bitPattern: high), low: UInt64(bitPattern: low)),
        fingerprint: UInt64(bitPattern: fingerprint), partition: partition, offset: offset,
        clockMillis: clock, tableTag: UInt16(truncatingIfNeeded: tag))
    )
  }
}
