import Delta
import Foundation
import Kafka
import Metrics
import OnlineStore

extension IngestionStores {
  /// Step 4: the batch's data files and Delta commits, the dead-letter table last, unless one
  /// feature commit ends the batch by itself (`BatchEnd`). When a step fails it throws,
  /// having recorded in the batch which tables already took it, so that a retry of the same
  /// batch skips them.
  func commitOffline(_ batch: inout PendingBatch) throws {
    let positions = batch.positions
    // A table's txn versions only move forward: a batch re-decided after a crash may end
    // below what a table took before it.
    func transactions(of table: String) -> [(appId: String, version: Int64)] {
      positions.compactMap { partition, offset in
        guard offset > offlinePositions.position(table: table, partition) ?? -1 else {
          return nil
        }
        return (
          appId: TransactionID(
            groupID: config.kafka.groupID, topic: partition.topic,
            partition: partition.partition
          ).appID, version: offset
        )
      }
    }
    try Failpoint.midBatch.reach()
    let offlineStart = ContinuousClock.now
    // 1. Data files for every table with rows; invisible until their commit lands.
    var adds: [Int: AddFile] = [:]
    for (index, rows) in batch.rows.enumerated()
    where batch.committedTables[config.featureGroups[index].tableName] == nil {
      let held = batch.offlineHeldRows[index]
      guard rows.count > held.count else { continue }
      let columns = held.isEmpty ? rows.columns() : rows.removing(held).columns()
      adds[index] = try groupTables[index].writeDataFile(columns)
    }
    let deadLetterName = OfflineTableLayout.deadLetterTableName
    let deadLetterAdd =
      batch.deadLetters.isEmpty || batch.committedTables[deadLetterName] != nil
      ? nil : try deadLetterTable.writeDataFile(batch.deadLetters.columns())
    try Failpoint.afterOfflineDataFiles.reach()
    // One commit in all (one table's rows, no dead letters, no table took the batch yet):
    // it ends the batch, and the dead-letter table is left alone.
    let oneCommit = adds.count == 1 && batch.deadLetters.isEmpty && batch.committedTables.isEmpty
    // 2. One commit per group table with rows, each with a txn per partition of the batch.
    for (index, add) in adds.sorted(by: { $0.key < $1.key }) {
      let name = config.featureGroups[index].tableName
      let version = try groupTables[index].commit(
        actions: [.add(add)], appTransactions: transactions(of: name),
        operation: "STREAMING UPDATE",
        operationParameters: oneCommit ? BatchEnd.operationParameters : [:])
      batch.committedTables[config.featureGroups[index].tableName] = version
      IngestionMetrics.tableCommitted(name, version: version, at: Date())
      try Failpoint.betweenOfflineCommits.reach()
    }
    // 3. Otherwise the dead-letter table last: its commit ends the batch. Not when it would
    // carry nothing (no dead letter, no position past the table's): a batch re-decided after
    // a crash, or one a replay over complete stores made.
    let deadLetterTransactions = transactions(of: deadLetterName)
    if !oneCommit && batch.committedTables[deadLetterName] == nil
      && (deadLetterAdd != nil || !deadLetterTransactions.isEmpty)
    {
      let version = try deadLetterTable.commit(
        actions: deadLetterAdd.map { [DeltaAction.add($0)] } ?? [],
        appTransactions: deadLetterTransactions, operation: "STREAMING UPDATE")
      batch.committedTables[deadLetterName] = version
      IngestionMetrics.tableCommitted(deadLetterName, version: version, at: Date())
    }
    for name in batch.committedTables.keys {
      for (partition, offset) in positions {
        recordOfflinePosition(table: name, partition, offset: offset)
      }
    }
    Timer(label: MetricFamilies.commitDuration.name, dimensions: [("store", "offline")])
      .recordInterval(since: offlineStart)
    batch.counts.addStage("offline", since: offlineStart)
    try Failpoint.afterOfflineCommit.reach()
  }

  /// Step 5: the online store, in one transaction that commits only once the offline table
  /// holds the batch: `offlineVersions` waits for that (the rows are written meanwhile) and
  /// returns the versions the offline commit made. The time spent waiting is not counted
  /// in the online stage.
  func commitOnline(
    _ batch: inout PendingBatch, dedupEntries: [DedupEntryRecord],
    offlineVersions: () throws -> [String: Int64]
  ) throws -> OnlineApplyResult {
    let onlineStart = ContinuousClock.now
    var waited = Duration.zero
    var writes: [String: any OnlineWriteColumns] = [:]
    for (index, view) in batch.onlineViews().enumerated() where view.count > 0 {
      writes[config.featureGroups[index].name] = view
    }
    let result = try online.apply(
      OnlineBatch(
        writes: writes, dedupEntries: dedupEntries,
        positions: batch.onlinePositions),
      beforeCommit: {
        let waitStart = ContinuousClock.now
        defer { waited += waitStart.duration(to: .now) }
        return try offlineVersions()
      })
    let elapsed = onlineStart.duration(to: .now) - waited
    Timer(label: MetricFamilies.commitDuration.name, dimensions: [("store", "online")])
      .recordDuration(elapsed)
    batch.counts.addStage("online", elapsed)
    try Failpoint.afterOnlineCommit.reach()
    return result
  }
}

extension Timer {
  func recordInterval(since start: ContinuousClock.Instant) {
    recordDuration(ContinuousClock.now - start)
  }

  func recordDuration(_ duration: Duration) {
    recordNanoseconds(IngestionCounts.nanoseconds(duration))
  }
}
