/// Decides whether a commit that lost the race for a version may simply retry at the next one.
///
/// Appends never conflict with appends or with compaction. They do conflict when the winner
/// set an app transaction the loser also sets (exactly-once: only one writer may advance an
/// app id from the version it read), removed a file the loser also removes, or changed the
/// table's metadata or protocol.
struct ConflictChecker {
  let transactionIds: Set<String>
  let removedPaths: Set<String>

  init(actions: [DeltaAction]) {
    var transactionIds = Set<String>()
    var removedPaths = Set<String>()
    for action in actions {
      switch action {
      case .transaction(let txn): transactionIds.insert(txn.appId)
      case .remove(let remove): removedPaths.insert(remove.path)
      default: continue
      }
    }
    self.transactionIds = transactionIds
    self.removedPaths = removedPaths
  }

  /// Throws the conflict the winning commit `version` creates, if any.
  func check(winner actions: [DeltaAction], version: Int64) throws {
    for action in actions {
      switch action {
      case .transaction(let txn) where transactionIds.contains(txn.appId):
        throw DeltaError.concurrentTransaction(appId: txn.appId, version: version)
      case .remove(let remove) where removedPaths.contains(remove.path):
        throw DeltaError.concurrentDelete(path: remove.path, version: version)
      case .metadata, .tableProtocol:
        throw DeltaError.concurrentMetadataChange(version: version)
      default:
        continue
      }
    }
  }
}
