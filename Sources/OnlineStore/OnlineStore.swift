/// The online store: per entity of each feature group, the latest row by the contract's
/// order, plus what the store has taken from each partition and Delta table, and the
/// persisted dedup entries — all changed together by `apply`.
///
/// A protocol so that other backends (Redis, PostgreSQL) can follow `SQLiteOnlineStore`.
/// Implementations have one writer; they are not meant to be shared between threads.
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
