import Delta
import Kafka
import Logging
import OnlineStore
import Parquet

/// Brings the online store up to the offline tables after a crash between the two commits
/// (DESIGN.md, "Recovery"): the rows of every Delta commit the online store has not applied
/// are applied as they were committed — entities and dedup entries — and the positions come
/// from the dead-letter table, which every batch commits last.
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
    for (index, group) in stores.config.featureGroups.enumerated() {
      let table = stores.groupTables[index]
      for commit in try table.commits(after: applied[group.tableName] ?? -1) {
        versions[group.tableName] = commit.version
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
    var positions: [PartitionPosition] = []
    let deadLetters = stores.deadLetterTable
    let deadLetterName = OfflineTableLayout.deadLetterTableName
    for commit in try deadLetters.commits(after: applied[deadLetterName] ?? -1) {
      versions[deadLetterName] = commit.version
      let held = TransactionID.positions(
        in: commit.transactions, groupID: stores.config.kafka.groupID)
      for (partition, offset) in held {
        positions.append(
          PartitionPosition(topic: partition.topic, partition: partition.partition, offset: offset))
      }
    }
    guard !versions.isEmpty else { return 0 }
    logger.info(
      "online store catching up with the offline tables",
      metadata: ["rows": "\(rows)", "tables": "\(versions.count)"])
    _ = try stores.online.apply(
      OnlineBatch(
        writes: writes, dedupEntries: dedupEntries, positions: positions,
        appliedVersions: versions))
    return rows
  }
}
