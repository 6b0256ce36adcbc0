/// Everything one ingestion batch commits to the online store, in one transaction: the
/// exactly-once protocol needs the rows, the dedup entries, the positions and the applied
/// Delta versions to become durable together or not at all.
public struct OnlineBatch: Sendable {
  /// Per feature group, the accepted writes in processing order.
  public var writes: [String: any OnlineWriteColumns]
  /// The dedup entries accepted in this batch, appended to the dedup log.
  public var dedupEntries: [DedupEntryRecord]
  /// Each partition's new position. Positions only move forward (see `apply`).
  public var positions: [PartitionPosition]
  /// Per Delta table name, the last table version this batch brings the store to.
  public var appliedVersions: [String: Int64]

  public init(
    writes: [String: any OnlineWriteColumns] = [:], dedupEntries: [DedupEntryRecord] = [],
    positions: [PartitionPosition] = [], appliedVersions: [String: Int64] = [:]
  ) {
    self.writes = writes
    self.dedupEntries = dedupEntries
    self.positions = positions
    self.appliedVersions = appliedVersions
  }
}
