import Foundation

/// Named points where a test can make the process die, to prove crash-safety at each step
/// of the commit protocol (DESIGN.md). `IDEMSTREAM_FAILPOINT=<name>` exits the process,
/// without cleanup, the first time the named point is reached.
public enum Failpoint: String, CaseIterable, Sendable {
  /// Records decided, nothing written yet.
  case midBatch = "mid-batch"
  /// Parquet data files written, the Delta commit not yet.
  case afterOfflineDataFiles = "after-offline-data-files"
  /// A feature table's commit landed, the others and the dead-letter table's not yet.
  case betweenOfflineCommits = "between-offline-commits"
  /// Every Delta commit landed, the online transaction not yet.
  case afterOfflineCommit = "after-offline-commit"
  /// Both stores committed, Kafka offsets not yet.
  case afterOnlineCommit = "after-online-commit"

  /// The failpoint named in the environment, read once.
  static let armed: Failpoint? = ProcessInfo.processInfo.environment["IDEMSTREAM_FAILPOINT"]
    .flatMap(Failpoint.init(rawValue:))

  /// Exits with status 86 when this point is the armed one.
  public func reach() {
    guard Failpoint.armed == self else { return }
    FileHandle.standardError.write(
      Data("idemstream: failpoint \(rawValue) reached, exiting\n".utf8))
    _exit(86)
  }
}
