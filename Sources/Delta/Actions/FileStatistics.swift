import Foundation

/// The per-file column statistics of an `add` action, used to skip files a predicate excludes.
///
/// Values stay JSON as the writer put them (timestamps as ISO-8601 strings, numbers as numbers);
/// `ScanPredicate` interprets them with the column's type.
public struct FileStatistics: Sendable, Hashable, Codable {
  public var numRecords: Int64
  public var minValues: [String: JSONValue]
  public var maxValues: [String: JSONValue]
  public var nullCount: [String: JSONValue]

  public init(
    numRecords: Int64, minValues: [String: JSONValue] = [:], maxValues: [String: JSONValue] = [:],
    nullCount: [String: JSONValue] = [:]
  ) {
    self.numRecords = numRecords
    self.minValues = minValues
    self.maxValues = maxValues
    self.nullCount = nullCount
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    numRecords = try container.decode(Int64.self, forKey: .numRecords)
    minValues = try container.decodeIfPresent([String: JSONValue].self, forKey: .minValues) ?? [:]
    maxValues = try container.decodeIfPresent([String: JSONValue].self, forKey: .maxValues) ?? [:]
    nullCount = try container.decodeIfPresent([String: JSONValue].self, forKey: .nullCount) ?? [:]
  }

  /// Parses the `stats` string of an add action.
  public init(json: String) throws {
    do {
      self = try JSONDecoder().decode(FileStatistics.self, from: Data(json.utf8))
    } catch {
      throw DeltaError.dataFile(path: "stats", reason: "invalid stats JSON: \(error)")
    }
  }

  /// The JSON string stored in `add.stats`.
  public func jsonString() -> String {
    var text = JSONText()
    text.statistics(self)
    return String(decoding: text.bytes, as: UTF8.self)
  }

  /// The number of nulls recorded for `column`, if the writer recorded it.
  public func nullCount(of column: String) -> Int64? { nullCount[column]?.int64Value }
}
