import Foundation
import Parquet

/// The dead-letter table summarised: counts by reason and the latest few letters, newest
/// first (by `ingested_at`, then topic, partition and offset, all descending).
public struct DeadLetterReport: Sendable, Codable {
  public struct Letter: Sendable, Codable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var error: String
    public var ingestedAt: String

    enum CodingKeys: String, CodingKey {
      case topic, partition, offset, error
      case ingestedAt = "ingested_at"
    }
  }

  public var total = 0
  /// Counts by reason code (`invalid_json`), as `run` and the metrics count them.
  public var byReason: [String: Int] = [:]

  /// `byReason` as the listing prints it: most first, reasons of equal count by name.
  public var reasonsByCount: [(reason: String, count: Int)] {
    byReason.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
  }
  public var latest: [Letter] = []

  enum CodingKeys: String, CodingKey {
    case total, latest
    case byReason = "by_reason"
  }

  public static func build(inspector: StoreInspector, latest limit: Int = 10) throws
    -> DeadLetterReport
  {
    let table = try inspector.offlineTable(OfflineTableLayout.deadLetterTableName)
    var report = DeadLetterReport()
    var letters: [Letter] = []
    let snapshot = try table.snapshot()
    for file in snapshot.files {
      let columns = try table.columns(of: file, snapshot: snapshot)
      guard let topics = columns["topic"], let partitions = columns["partition"],
        let offsets = columns["offset"], let errors = columns["error"],
        let times = columns["ingested_at"]
      else { continue }
      for row in 0..<offsets.count {
        let error = OfflineRowReader.string(errors, row) ?? ""
        report.total += 1
        report.byReason[DeadLetterCode.code(ofReason: Self.reason(of: error)), default: 0] += 1
        letters.append(
          Letter(
            topic: OfflineRowReader.string(topics, row) ?? "",
            partition: Int32(OfflineRowReader.int64(partitions, row) ?? 0),
            offset: OfflineRowReader.int64(offsets, row) ?? 0, error: error,
            ingestedAt: RFC3339.format(micros: OfflineRowReader.int64(times, row) ?? 0)))
      }
    }
    // Newest first; the letters of one batch share their ingested_at, and topic, partition
    // and offset (all descending too) tell every two letters apart, so the order is total.
    letters.sort {
      ($0.ingestedAt, $0.topic, $0.partition, $0.offset)
        > ($1.ingestedAt, $1.topic, $1.partition, $1.offset)
    }
    report.latest = Array(letters.prefix(limit))
    return report
  }

  /// The reason of an error text, which starts with it in brackets: `[wrong type] values...`.
  static func reason(of error: String) -> String {
    guard error.hasPrefix("["), let close = error.firstIndex(of: "]") else { return "other" }
    return String(error[error.index(after: error.startIndex)..<close])
  }
}
