import Delta
import Foundation
import Kafka
import Logging
import OnlineStore

/// Both stores of a data dir, opened together: the online store (embedded or PostgreSQL,
/// whichever the config names; the data-dir lock is held with it), one Delta table per
/// feature group and the dead-letter table.
///
/// `commit` is the exactly-once protocol of DESIGN.md: offline first (group tables, then
/// the dead-letter table, which carries every partition's position), online second.
final class IngestionStores {
  let config: IdemstreamConfig
  let online: any OnlineStore
  /// Held while the stores are open (`OpenedOnlineStore.lock`).
  private var onlineLock: DataDirectoryLock?
  let groupTables: [DeltaTable]
  let deadLetterTable: DeltaTable
  private(set) var offlinePositions = OfflinePositions()
  private let logger: Logger

  /// A read-only dry run's stand-ins for tables the data dir does not have yet (a new group
  /// version): empty tables in a scratch directory outside it, removed on `deinit`.
  private let scratch: URL?

  /// Opens both stores. `readOnly` (a dry run): no lock, nothing created or changed under
  /// the data dir, and a table that does not exist yet reads as empty.
  init(config: IdemstreamConfig, logger: Logger, readOnly: Bool = false) throws {
    self.config = config
    self.logger = logger
    let opened = try OpenedOnlineStore(
      config: config, access: readOnly ? .readOnlyNewTablesEmpty : .readWrite)
    online = opened.store
    onlineLock = opened.lock
    let scratch =
      readOnly
      ? FileManager.default.temporaryDirectory.appendingPathComponent(
        "idemstream-dry-run-\(UUID().uuidString)") : nil
    self.scratch = scratch
    let offline = OfflineStorage(config)
    // Checkpoints in the background: a commit every few milliseconds (a short
    // commit_interval_ms) must not wait for one.
    let options = DeltaTable.Options(
      checkpointInterval: Int64(config.offline.checkpointInterval), checkpointsInBackground: true)
    groupTables = try config.featureGroups.map { group in
      try Self.openOrCreate(
        try offline.table(group.tableName),
        schema: OfflineTableLayout.schema(of: group),
        name: group.tableName, options: options, scratch: scratch)
    }
    deadLetterTable = try Self.openOrCreate(
      try offline.table(OfflineTableLayout.deadLetterTableName),
      schema: OfflineTableLayout.deadLetterSchema, name: OfflineTableLayout.deadLetterTableName,
      options: options, scratch: scratch)
    try loadOfflinePositions()
  }

  /// Waits for the Delta checkpoints still being written (a clean stop leaves them done).
  func waitForCheckpoints() {
    for table in groupTables { table.waitForCheckpoints() }
    deadLetterTable.waitForCheckpoints()
  }

  deinit {
    if let scratch { try? FileManager.default.removeItem(at: scratch) }
  }

  /// Releases the online store and the data-dir lock (which empties the lock file again).
  /// Called on the way out rather than left to `deinit`: a process can end while one of the
  /// committer's threads still holds a reference, and then `deinit` never runs, leaving the
  /// holder's pid in the lock file of a run that otherwise changed nothing.
  func close() {
    online.close()
    onlineLock = nil
  }

  /// Opens the table in `storage`, else creates it there, or in `scratch` when given.
  private static func openOrCreate(
    _ storage: any TableStorage, schema: DeltaSchema, name: String, options: DeltaTable.Options,
    scratch: URL?
  ) throws -> DeltaTable {
    if try DeltaTable.exists(in: storage) {
      return try DeltaTable.open(in: storage, options: options)
    }
    let storage =
      scratch.map { LocalTableStorage(root: $0.appendingPathComponent(name)) } ?? storage
    return try DeltaTable.create(in: storage, schema: schema, name: name, options: options)
  }

  /// Every table's `txn` versions for this consumer group.
  private func loadOfflinePositions() throws {
    for (table, name) in tablesWithNames {
      let held = TransactionID.positions(
        in: try table.snapshot().transactions.values, groupID: config.kafka.groupID)
      for (partition, offset) in held {
        offlinePositions.record(table: name, partition, offset: offset)
      }
    }
  }

  /// Every table's latest version and when it was committed.
  func latestCommits() throws -> [(name: String, version: Int64, committed: Date)] {
    try tablesWithNames.map { table, name in
      let snapshot = try table.snapshot()
      return (name, snapshot.version, snapshot.timestamp)
    }
  }

  func recordOfflinePosition(table: String, _ partition: TopicPartition, offset: Int64) {
    offlinePositions.record(table: table, partition, offset: offset)
  }

  var tablesWithNames: [(DeltaTable, String)] {
    zip(groupTables, config.featureGroups.map(\.tableName)).map { ($0, $1) }
      + [(deadLetterTable, OfflineTableLayout.deadLetterTableName)]
  }

  /// Every table's online positions, with the log clocks there.
  func onlinePositions() throws -> OnlinePositions {
    OnlinePositions(try online.positions())
  }
}
