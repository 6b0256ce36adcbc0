/// The `offline:` section: when the Delta tables are committed and checkpointed.
public struct OfflineSettings: Sendable, Hashable {
  /// A commit happens at least this often while records flow.
  public var commitIntervalMillis: Int
  public var maxRowsPerCommit: Int
  /// A Delta checkpoint every this many versions.
  public var checkpointInterval: Int

  public init(
    commitIntervalMillis: Int = 5000, maxRowsPerCommit: Int = 500_000, checkpointInterval: Int = 10
  ) {
    self.commitIntervalMillis = commitIntervalMillis
    self.maxRowsPerCommit = maxRowsPerCommit
    self.checkpointInterval = checkpointInterval
  }
}
