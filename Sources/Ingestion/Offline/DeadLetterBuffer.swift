import Foundation
import Parquet

/// The dead letters of the batch in hand, column by column (`OfflineTableLayout`).
/// Key and value are kept base64-encoded: a dead letter is often not valid UTF-8.
struct DeadLetterBuffer {
  private var topics = ColumnBuilder(kind: .string)
  private var partitions = ColumnBuilder(kind: .int32)
  private var offsets = ColumnBuilder(kind: .int64)
  private var keys = ColumnBuilder(kind: .string)
  private var values = ColumnBuilder(kind: .string)
  private var errors = ColumnBuilder(kind: .string)
  private var ingestedAt = ColumnBuilder(kind: .int64)
  /// Counts by reason, for the run summary and metrics.
  private(set) var reasons: [String: Int] = [:]

  var count: Int { offsets.count }
  var isEmpty: Bool { offsets.count == 0 }

  mutating func append(
    topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
    reason: String, error: String, ingestedAtMicros: Int64
  ) {
    topics.append(string: topic)
    partitions.append(int32: partition)
    offsets.append(int64: offset)
    if let key { keys.append(string: Data(key).base64EncodedString()) } else { keys.appendNull() }
    if let value {
      values.append(string: Data(value).base64EncodedString())
    } else {
      values.appendNull()
    }
    errors.append(string: error)
    ingestedAt.append(int64: ingestedAtMicros)
    reasons[reason, default: 0] += 1
  }

  /// The error text of the dead letter at `index`, as the table will hold it.
  func error(at index: Int) -> String {
    if case .string(let text) = errors.value(at: index, as: .string) { return text }
    return ""
  }

  func columns() -> [ParquetColumnValues] {
    [topics, partitions, offsets, keys, values, errors, ingestedAt].map { $0.finish() }
  }
}
