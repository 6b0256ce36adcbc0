import Delta
import Kafka

/// Which offline commits end a batch, and so where the offline store as a whole stands
/// (DESIGN.md, step 4).
///
/// A batch commits to each feature table it has rows for, then to the dead-letter table,
/// whose commit ends it. A batch with rows for one table and no dead letters makes that one
/// commit only: a single commit is atomic, so it ends the batch by itself, and most batches
/// of a stream pay two fsyncs and a log file fewer. Such a commit says so in its commitInfo
/// (`operationParameters.endsBatch`); the dead-letter table's commits end their batch by
/// their place. Batches commit one after another, so every `txn` version of a table whose
/// latest commit of this group ends a batch is a position below which every table holds
/// everything.
enum BatchEnd {
  static let parameter = "endsBatch"

  /// The commitInfo `operationParameters` of a commit that ends its batch.
  static let operationParameters: [String: JSONValue] = [parameter: .string("true")]

  /// Whether a feature-table commit ended its batch.
  static func isMarked(_ commit: CommitRecord) -> Bool {
    guard case .object(let parameters)? = commit.commitInfo?["operationParameters"] else {
      return false
    }
    return parameters[parameter] == .string("true")
  }

  /// Where the offline store as a whole stands per partition, from the tables' logs: the
  /// dead-letter table's `txn` versions, raised by those of each feature table whose latest
  /// commit of this group belongs to a finished batch: it ended the batch itself, or the
  /// dead-letter table has since taken as far in each of its partitions (its own batch's
  /// dead-letter commit, or a later one). Never past a batch some table has not taken; it
  /// may trail the last batch, which only means re-reading records the tables hold.
  static func positions(
    featureTables: [DeltaTable], deadLetterTable: DeltaTable, groupID: String
  ) throws -> [TopicPartition: Int64] {
    let deadLetterPositions = TransactionID.positions(
      in: try deadLetterTable.snapshot().transactions.values, groupID: groupID)
    var positions = deadLetterPositions
    for table in featureTables {
      let held = TransactionID.positions(
        in: try table.snapshot().transactions.values, groupID: groupID)
      guard !held.isEmpty, let latest = try latestCommit(of: table, groupID: groupID) else {
        continue
      }
      let finished =
        isMarked(latest.commit)
        || latest.positions.allSatisfy { $0.value <= deadLetterPositions[$0.key] ?? -1 }
      if finished { positions.merge(held, uniquingKeysWith: max) }
    }
    return positions
  }

  /// How far back to look for the table's latest commit of this group, past commits other
  /// writers (another group, a compaction) made since.
  static let lookBack: Int64 = 20

  /// The table's latest commit with `txn`s of this group, and their positions.
  private static func latestCommit(
    of table: DeltaTable, groupID: String
  ) throws -> (commit: CommitRecord, positions: [TopicPartition: Int64])? {
    let latest = try table.latestVersion()
    var version = latest
    while version >= 0 && version > latest - lookBack {
      // A commit file cleaned away: nothing is known, so the table does not count.
      guard let commit = try? table.commit(at: version) else { return nil }
      let positions = TransactionID.positions(in: commit.transactions, groupID: groupID)
      if !positions.isEmpty { return (commit, positions) }
      version -= 1
    }
    return nil
  }
}
