import Kafka
import OnlineStore

/// The batch in hand: every record decided since the last commit, laid out for both stores.
/// Nothing in it is visible anywhere until `IngestionStores.commit` writes it.
package struct PendingBatch {
  var rows: [OfflineRowBuffer]
  /// Per group, the indices of the rows in `rows` that go online too (a row the online
  /// store already holds does not).
  var onlineRows: [[Int32]]
  /// Per group, the rows in `rows` the offline table already holds (it took them before a
  /// crash the online store did not see): they go online only. Almost always empty.
  var offlineHeldRows: [[Int32]]
  var deadLetters = DeadLetterBuffer()
  /// Per partition, the last offset decided in this batch. Built on each read: it is read
  /// a few times per commit, while `lastDecided` is written once per record.
  package var positions: [TopicPartition: Int64] { lastDecided.dictionary }
  private var lastDecided = PartitionTable<Int64>()
  /// Each table's new online position (with its log clock) in every partition the batch
  /// moves it in, set when the batch is handed to the committer (`RecordDecider.submit`).
  var onlinePositions: [PartitionPosition] = []
  var counts = IngestionCounts()
  /// Per group (by index), what was decided; folded into `counts` at commit. An array, not
  /// a dictionary by name, because it is touched once per record.
  var groupCounts: [GroupCounts]
  /// Nanoseconds spent decoding and deciding, folded into `counts` at commit.
  var decodeNanoseconds: Int64 = 0
  var decideNanoseconds: Int64 = 0
  /// Bytes of record values taken, for the batch's memory bound.
  package var inputBytes = 0
  /// Kafka timestamps (ms) of the newest record per batch, for the freshness metric.
  var newestRecordTimestamp: Int64?
  /// Kafka timestamps of the batch's records, kept only when freshness is measured.
  var recordTimestamps: [Int64] = []
  /// Tables that already took this batch, with the version: a retried commit skips them.
  var committedTables: [String: Int64] = [:]

  package init(groups: [FeatureGroup]) {
    rows = groups.map { OfflineRowBuffer(group: $0) }
    onlineRows = groups.map { _ in [] }
    offlineHeldRows = groups.map { _ in [] }
    groupCounts = groups.map { _ in GroupCounts() }
    self.groups = groups
  }

  private let groups: [FeatureGroup]

  /// Moves the per-record tallies into `counts`, once per commit.
  mutating func foldCounts() {
    for (index, tally) in groupCounts.enumerated() where tally != GroupCounts() {
      counts.groups[groups[index].name, default: GroupCounts()] += tally
    }
    groupCounts = groups.map { _ in GroupCounts() }
    counts.stageNanoseconds["decode", default: 0] += decodeNanoseconds
    counts.stageNanoseconds["dedup", default: 0] += decideNanoseconds
    decodeNanoseconds = 0
    decideNanoseconds = 0
  }

  var isEmpty: Bool { lastDecided.isEmpty }

  /// Notes that the record at `offset` of (`topic`, `partition`) was decided in this batch.
  @inline(__always)
  mutating func decided(topic: String, partition: Int32, offset: Int64) {
    if let slot = lastDecided.slot(topic: topic, partition: partition) {
      lastDecided[slot] = offset
    } else {
      _ = lastDecided.insert(topic: topic, partition: partition, offset)
    }
  }

  /// Whether committing this batch would change no store: no row, no dead letter, and no
  /// partition past `held` (what every table holds). A replay over complete stores makes
  /// only such batches, and commits none of them.
  func changesNothing(beyond held: [TopicPartition: Int64]) -> Bool {
    rows.allSatisfy(\.isEmpty) && deadLetters.isEmpty
      && positions.allSatisfy { $0.value <= held[$0.key, default: -1] }
  }

  /// Per group, the rows that go online, as the online store reads them.
  func onlineViews() -> [OnlineRowsView] {
    rows.indices.map { OnlineRowsView(rows: rows[$0], indices: onlineRows[$0]) }
  }

  /// Rows that will be written offline: what `max_rows_per_commit` bounds.
  package var rowCount: Int { rows.reduce(deadLetters.count) { $0 + $1.count } }
}
