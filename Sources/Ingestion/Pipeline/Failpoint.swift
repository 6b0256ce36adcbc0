import Foundation

/// Named points where a test can make the process die, or a write fail, to prove
/// crash-safety and fault recovery at each step of the commit protocol (DESIGN.md).
///
/// - `IDEMSTREAM_FAILPOINT=<name>` exits the process, without cleanup, the first time the
///   named point is reached (a crash).
/// - `IDEMSTREAM_FAULT=<name>:<count>` makes the named point throw `InjectedFault` the first
///   `count` times it is reached, as a full or read-only disk would make a write fail; the
///   fault then clears by itself. The commit loop must retry with backoff and carry on.
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

  /// The write fault named in the environment (`IDEMSTREAM_FAULT`), read once.
  static let fault: InjectedFaultBudget? = ProcessInfo.processInfo.environment["IDEMSTREAM_FAULT"]
    .flatMap(InjectedFaultBudget.init(specification:))

  /// Exits with status 86 when this point is the armed one; throws `InjectedFault` while
  /// this point's write fault has failures left.
  public func reach() throws(InjectedFault) {
    if Failpoint.armed == self {
      FileHandle.standardError.write(
        Data("idemstream: failpoint \(rawValue) reached, exiting\n".utf8))
      _exit(86)
    }
    if let fault = Failpoint.fault, fault.point == self { try fault.spend() }
  }
}
