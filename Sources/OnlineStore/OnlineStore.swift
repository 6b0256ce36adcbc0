/// The online store: per entity of each feature group, the latest row by the contract's
/// order, plus what the store has taken from each partition and Delta table, and the
/// persisted dedup entries — all changed together by `apply`.
///
/// The seam between the pipeline and its backends: `SQLiteOnlineStore` (embedded) and
/// `PostgresOnlineStore` follow the same rules, so the pipeline, the read tools, `verify
/// --repair` and recovery hold an `any OnlineStore` and never know which one they write to.
/// Implementations have one writer and are used by one thread at a time.
public protocol OnlineStore: AnyObject {
  /// The feature-group schemas the store was opened with.
  var schemas: [OnlineTableSchema] { get }

  /// Applies one batch in one transaction: last-write-wins rows and tombstones, dedup
  /// entries, positions and applied versions. All or nothing.
  ///
  /// With the rows written and before it commits, the transaction calls `beforeCommit`,
  /// which may wait (for the offline commit of the same batch) and returns more applied
  /// versions; if it throws, nothing is committed. Readers see the batch only after it
  /// returned.
  func apply(_ batch: OnlineBatch, beforeCommit: () throws -> [String: Int64]) throws
    -> OnlineApplyResult

  /// The live row of an entity, nil when absent or tombstoned.
  func get(group: String, key: [OnlineValue]) throws -> OnlineRow?

  /// An entity's row and the offline table version the store had applied when it held
  /// that row (`table`'s entry in the applied versions; nil before any), read in one
  /// transaction so that the two belong to the same commit.
  func getWithVersion(group: String, key: [OnlineValue], table: String) throws
    -> (row: OnlineRow?, version: Int64?)

  /// The order of the greatest write the store holds for an entity, its row's or its
  /// tombstone's (which `get` does not show); nil when it holds neither. A dry run counts
  /// stale writes against it.
  func storedOrder(group: String, key: [OnlineValue]) throws -> OnlineWriteOrder?

  /// Every group version this store has a table for (the config's and earlier ones).
  func registeredSchemas() throws -> [OnlineTableSchema]

  /// Up to `limit` live rows in primary-key order after `after` (nil: from the start).
  func rows(group: String, after: [OnlineValue]?, limit: Int) throws -> [OnlineRow]

  /// The number of live entities of a group.
  func count(group: String) throws -> Int

  /// Every table's position in every partition, sorted by table, topic and partition.
  func positions() throws -> [PartitionPosition]

  /// Per Delta table name, the last table version the store has applied.
  func appliedVersions() throws -> [String: Int64]

  /// Visits the committed dedup entries in the order they were appended.
  func forEachDedupEntry(_ body: (DedupEntryRecord) throws -> Void) throws

  /// Replaces the dedup log by `liveEntries` (what the caller's index keeps), atomically.
  func compactDedupLog(liveEntries: [DedupEntryRecord]) throws

  /// Repair: sets an entity's row as given, outside the last-write-wins rules.
  func replaceEntity(group: String, row: OnlineRow) throws

  /// Repair: removes an entity, outside the last-write-wins rules. With `tombstoneAt` the
  /// entity keeps a tombstone of that order (so older writes stay stale); without, nothing
  /// of it remains. Returns whether a live row was removed.
  @discardableResult
  func deleteEntity(group: String, key: [OnlineValue], tombstoneAt: OnlineWriteOrder?) throws
    -> Bool

  /// Drops the tombstones of a group older than `eventTime` (epoch micros), once the dedup
  /// window no longer needs them; returns how many were dropped.
  @discardableResult
  func purgeTombstones(group: String, olderThan eventTime: Int64) throws -> Int

  /// Releases what the store holds (files, lock, connections). Later calls throw.
  func close()
}

extension OnlineStore {
  /// Applies one batch in one transaction (`apply(_:beforeCommit:)` with nothing to wait for).
  public func apply(_ batch: OnlineBatch) throws -> OnlineApplyResult {
    try apply(batch, beforeCommit: { [:] })
  }

  /// The live rows of a group in primary-key order, fetched a page at a time so that a
  /// million entities never sit in memory at once.
  public func dump(group: String, pageSize: Int = 10_000) -> OnlineRowCursor {
    OnlineRowCursor(pageSize: pageSize) { [self] after, limit in
      try rows(group: group, after: after, limit: limit)
    }
  }

  /// All committed dedup entries, for rebuilding the dedup index at start-up.
  public func loadDedupEntries() throws -> [DedupEntryRecord] {
    var entries: [DedupEntryRecord] = []
    try forEachDedupEntry { entries.append($0) }
    return entries
  }
}
