import Delta
import Kafka
import Logging
import OnlineStore
import Parquet

/// Brings the online store up to the offline tables after a crash between the two commits
/// (DESIGN.md, "Recovery"): the rows of every Delta commit the online store has not applied
/// are applied as they were committed — entities and dedup entries — and the positions come
/// from the commits that end a batch (`BatchEnd`): the dead-letter table's, and a feature
/// table's when it was its batch's only commit.
struct OnlineCatchUp {
  let stores: IngestionStores
  let logger: Logger

  /// Returns how many rows were applied.
  @discardableResult
  func run() throws -> Int {
    let applied = try stores.online.appliedVersions()
    var writes: [String: [OnlineWrite]] = [:]
    var dedupEntries: [DedupEntryRecord] = []
    var versions: [String: Int64] = [:]
    var rows = 0
    var positions: [TopicPartition: Int64] = [:]
    let groupID = stores.config.kafka.groupID
    func takePositions(of commit: CommitRecord) {
      positions.merge(
        TransactionID.positions(in: commit.transactions, groupID: groupID),
        uniquingKeysWith: max)
    }
    for (index, group) in stores.config.featureGroups.enumerated() {
      let table = stores.groupTables[index]
      for commit in try table.commits(after: applied[group.tableName] ?? -1) {
        versions[group.tableName] = commit.version
        if BatchEnd.isMarked(commit) { takePositions(of: commit) }
        for add in commit.addedFiles where add.dataChange {
          let columns = try table.columns(of: add)
          let decoded = try OfflineRowReader(group: group, columns: columns).writes()
          for row in decoded {
            writes[group.name, default: []].append(row.onlineWrite)
            dedupEntries.append(
              DedupEntry(accepted: row.write, partition: row.partition, offset: row.offset).record)
          }
          rows += decoded.count
        }
      }
    }
    let deadLetters = stores.deadLetterTable
    let deadLetterName = OfflineTableLayout.deadLetterTableName
    for commit in try deadLetters.commits(after: applied[deadLetterName] ?? -1) {
      versions[deadLetterName] = commit.version
      takePositions(of: commit)
    }
    guard !versions.isEmpty else { return 0 }
    logger.info(
      "online store catching up with the offline tables",
      metadata: ["rows": "\(rows)", "tables": "\(versions.count)"])
    _ = try stores.online.apply(
      OnlineBatch(
        writes: writes, dedupEntries: dedupEntries,
        positions: positions.map {
          PartitionPosition(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
        },
        appliedVersions: versions))
    return rows
  }
}
