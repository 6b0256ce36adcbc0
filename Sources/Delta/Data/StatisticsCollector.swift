import Parquet

/// Computes the `stats` of a new data file from its columns: record count, per-column null
/// count, and minimum and maximum where they help file skipping.
///
/// Values follow what Spark and delta-rs write: numbers as JSON numbers, timestamps as ISO-8601
/// UTC strings (microsecond precision), dates as `yyyy-MM-dd`. Strings longer than
/// `maxStringLength` characters keep a truncated minimum (a prefix is still a lower bound) and
/// no maximum (a truncated maximum would be wrong). NaN is ignored; binary gets no bounds.
enum StatisticsCollector {
  static let maxStringLength = 32

  static func collect(schema: [DeltaField], columns: [ParquetColumnValues], rows: Int)
    -> FileStatistics
  {
    var stats = FileStatistics(numRecords: Int64(rows))
    for (field, column) in zip(schema, columns) {
      stats.nullCount[field.name] = .integer(Int64(column.nullCount))
      if let (minimum, maximum) = bounds(field.type, column) {
        if let minimum { stats.minValues[field.name] = minimum }
        if let maximum { stats.maxValues[field.name] = maximum }
      }
    }
    return stats
  }

  private static func bounds(_ type: DeltaDataType, _ column: ParquetColumnValues)
    -> (JSONValue?, JSONValue?)?
  {
    switch column {
    case .int64(let values, let validity):
      guard let (low, high) = extremes(values, validity) else { return nil }
      switch type {
      case .timestamp, .timestampWithoutTimeZone:
        return (
          .string(TimestampText.format(microseconds: low)),
          .string(TimestampText.format(microseconds: high))
        )
      default: return (.integer(low), .integer(high))
      }
    case .int32(let values, let validity):
      guard let (low, high) = extremes(values, validity) else { return nil }
      if type == .date {
        return (.string(TimestampText.format(days: low)), .string(TimestampText.format(days: high)))
      }
      return (.integer(Int64(low)), .integer(Int64(high)))
    case .double(let values, let validity):
      guard let (low, high) = extremes(values, validity, skipping: { $0.isNaN }),
        low.isFinite, high.isFinite
      else { return nil }
      return (.double(low), .double(high))
    case .boolean(let values, let validity):
      guard let (low, high) = extremes(values.map { $0 ? 1 : 0 }, validity) else { return nil }
      return (.bool(low == 1), .bool(high == 1))
    case .byteArray(let values, let validity):
      guard type == .string else { return nil }
      return stringBounds(values, validity)
    }
  }

  private static func extremes<T: Comparable>(
    _ values: [T], _ validity: [Bool]?, skipping skip: (T) -> Bool = { _ in false }
  ) -> (T, T)? {
    var low: T?
    var high: T?
    for index in values.indices {
      if let validity, !validity[index] { continue }
      let value = values[index]
      if skip(value) { continue }
      if low.map({ value < $0 }) ?? true { low = value }
      if high.map({ value > $0 }) ?? true { high = value }
    }
    guard let low, let high else { return nil }
    return (low, high)
  }

  private static func stringBounds(_ values: ByteArrayColumn, _ validity: [Bool]?)
    -> (JSONValue?, JSONValue?)?
  {
    var low: ArraySlice<UInt8>?
    var high: ArraySlice<UInt8>?
    for index in 0..<values.count {
      if let validity, !validity[index] { continue }
      let value = values[index]
      if low.map({ value.lexicographicallyPrecedes($0) }) ?? true { low = value }
      if high.map({ $0.lexicographicallyPrecedes(value) }) ?? true { high = value }
    }
    guard let low, let high else { return nil }
    let minimum = String(decoding: low, as: UTF8.self)
    let maximum = String(decoding: high, as: UTF8.self)
    return (
      .string(String(minimum.prefix(maxStringLength))),
      maximum.count <= maxStringLength ? .string(maximum) : nil
    )
  }
}
