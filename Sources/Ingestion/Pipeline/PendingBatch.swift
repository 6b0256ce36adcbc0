import Kafka
import OnlineStore

/// The batch in hand: every record decided since the last commit, laid out for both stores.
/// Nothing in it is visible anywhere until `IngestionStores.commit` writes it.
struct PendingBatch {
  var rows: [OfflineRowBuffer]
  var onlineWrites: [[OnlineWrite]]
  var deadLetters = DeadLetterBuffer()
  /// Per partition, the last offset decided in this batch.
  var positions: [TopicPartition: Int64] = [:]
  var counts = IngestionCounts()
  /// When the first record of the batch was taken, for `commit_interval_ms`.
  var startedAt: ContinuousClock.Instant?
  /// Kafka timestamps (ms) of the newest record per batch, for the freshness metric.
  var newestRecordTimestamp: Int64?
  /// Kafka timestamps of the batch's records, kept only when freshness is measured.
  var recordTimestamps: [Int64] = []
  /// Tables that already took this batch, with the version: a retried commit skips them.
  var committedTables: [String: Int64] = [:]

  init(groups: [FeatureGroup]) {
    rows = groups.map { OfflineRowBuffer(group: $0) }
    onlineWrites = groups.map { _ in [] }
  }

  var isEmpty: Bool { positions.isEmpty }

  /// Rows that will be written offline: what `max_rows_per_commit` bounds.
  var rowCount: Int { rows.reduce(deadLetters.count) { $0 + $1.count } }
}
