import NIOCore
import OnlineStore
import PostgresNIO

/// Cells between the store's values and PostgreSQL's: batch columns to array parameters,
/// single values to parameters, result cells back to values.
enum PostgresCells {
  /// Why a value cannot be stored, or nil. PostgreSQL text cannot hold U+0000, and a
  /// timestamptz spans 4713 BC to 294276 AD (the pipeline's times, years 0001–9999, fit).
  static func unstorable(_ value: OnlineValue, column: String) -> String? {
    switch value {
    case .string(let text) where text.utf8.contains(0):
      return "the text of '\(column)' holds U+0000, which PostgreSQL text cannot hold"
    case .timestamp(let micros) where !PostgresArray.timestampRange.contains(micros):
      return "the timestamp \(micros) µs of '\(column)' is outside PostgreSQL's range"
    default:
      return nil
    }
  }

  /// `column`'s cells at `rows` (in that order) as one array. Cells of rows where
  /// `nullWhere` is true are sent as null (a delete's features); a NaN double as null, as the
  /// embedded store keeps it, so both stores hold the same rows.
  static func array(
    _ column: OnlineColumnValues, rows: [Int32], nullWhere: [Bool]? = nil, name: String,
    group: String
  ) throws -> PostgresArray {
    let kind = column.type.postgresElement
    var builder = PostgresArray.Builder(
      element: kind.element, array: kind.array, count: rows.count, bytesPerElement: kind.bytes)
    let validity = column.validity
    func isNull(_ row: Int) -> Bool {
      (validity.map { !$0[row] } ?? false) || (nullWhere.map { $0[row] } ?? false)
    }
    switch column.storage {
    case .integers(let values):
      for row in rows.lazy.map(Int.init) {
        if isNull(row) {
          builder.appendNull()
        } else if column.type == .timestamp {
          guard PostgresArray.timestampRange.contains(values[row]) else {
            throw PostgresOnlineStoreError.unstorableValue(
              group: group,
              reason: "the timestamp \(values[row]) µs of '\(name)' (outside its range)")
          }
          builder.appendTimestamp(values[row])
        } else {
          builder.append(values[row])
        }
      }
    case .doubles(let values):
      for row in rows.lazy.map(Int.init) {
        if isNull(row) || values[row].isNaN {
          builder.appendNull()
        } else {
          builder.append(values[row])
        }
      }
    case .booleans(let values):
      for row in rows.lazy.map(Int.init) {
        if isNull(row) { builder.appendNull() } else { builder.append(values[row]) }
      }
    case .strings(let bytes, let offsets):
      for row in rows.lazy.map(Int.init) {
        if isNull(row) {
          builder.appendNull()
          continue
        }
        let text = bytes[Int(offsets[row])..<Int(offsets[row + 1])]
        guard !text.contains(0) else {
          throw PostgresOnlineStoreError.unstorableValue(
            group: group, reason: "text holding U+0000 (in '\(name)')")
        }
        builder.appendText(text)
      }
    }
    return builder.finish()
  }

  /// Appends one value as a parameter typed for a column of `type`.
  static func bind(
    _ value: OnlineValue, as type: OnlineColumnType, to binds: inout PostgresBindings
  ) {
    switch value {
    case .null:
      binds.appendNull()
    case .bigint(let number):
      binds.append(number)
    case .double(let number):
      if number.isNaN { binds.appendNull() } else { binds.append(number) }
    case .string(let text):
      binds.append(text)
    case .boolean(let flag):
      binds.append(flag)
    case .timestamp(let micros):
      binds.append(Timestamp(micros: micros))
    }
  }

  /// A timestamptz parameter from Unix epoch microseconds (Foundation's `Date` would round
  /// through a Double).
  struct Timestamp: PostgresDynamicTypeEncodable {
    let micros: Int64
    var psqlType: PostgresDataType { .timestamptz }
    var psqlFormat: PostgresFormat { .binary }
    func encode<JSONEncoder: PostgresJSONEncoder>(
      into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
      byteBuffer.writeInteger(micros - PostgresArray.postgresEpochMicros)
    }
  }

  /// A result cell as a value of `type` (null when SQL NULL).
  static func value(_ cell: PostgresCell, as type: OnlineColumnType) throws -> OnlineValue {
    guard cell.bytes != nil else { return .null }
    switch type {
    case .bigint: return .bigint(try cell.decode(Int64.self))
    case .double: return .double(try cell.decode(Double.self))
    case .string: return .string(try cell.decode(String.self))
    case .boolean: return .boolean(try cell.decode(Bool.self))
    case .timestamp: return .timestamp(try micros(cell))
    }
  }

  /// A timestamptz cell as Unix epoch microseconds, exactly.
  static func micros(_ cell: PostgresCell) throws -> Int64 {
    guard var bytes = cell.bytes, cell.dataType == .timestamptz, cell.format == .binary,
      let raw = bytes.readInteger(as: Int64.self)
    else {
      throw PostgresOnlineStoreError.unexpectedResult(
        context: "with column \(cell.columnName) of type \(cell.dataType), not a timestamptz")
    }
    return raw + PostgresArray.postgresEpochMicros
  }
}
