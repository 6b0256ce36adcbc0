import NIOCore
import OnlineStore
import PostgresNIO

/// One column of a batch as a PostgreSQL array parameter in the binary wire format, nulls
/// included, so that a whole batch travels in one statement (`unnest($1::bigint[], ...)`)
/// instead of one statement per row.
///
/// Written here rather than with postgres-nio's `[Element]` encoding because that one has
/// no null elements, and feature values are nullable. The layout is PostgreSQL's
/// `array_recv`: dimensions (1), a has-nulls flag, the element type, the length and lower
/// bound (1), then per element its byte length (-1 for null) and bytes.
struct PostgresArray: PostgresDynamicTypeEncodable {
  let psqlType: PostgresDataType
  var psqlFormat: PostgresFormat { .binary }
  private let bytes: ByteBuffer

  func encode<JSONEncoder: PostgresJSONEncoder>(
    into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
  ) {
    byteBuffer.writeImmutableBuffer(bytes)
  }

  /// Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01.
  static let postgresEpochMicros: Int64 = 946_684_800_000_000
  /// The range of a PostgreSQL timestamptz (4713 BC to 294276 AD), in Unix epoch micros.
  static let timestampRange: ClosedRange<Int64> = -210_866_803_200_000_000...9_224_318_015_999_999

  /// Builds the array element by element; `finish` patches the has-nulls flag.
  struct Builder {
    private(set) var buffer: ByteBuffer
    private let arrayType: PostgresDataType
    private let flagIndex: Int
    private var hasNulls = false

    init(element: PostgresDataType, array: PostgresDataType, count: Int, bytesPerElement: Int) {
      arrayType = array
      buffer = ByteBufferAllocator().buffer(capacity: 20 + count * (4 + bytesPerElement))
      buffer.writeInteger(Int32(1))
      flagIndex = buffer.writerIndex
      buffer.writeInteger(Int32(0))
      buffer.writeInteger(element.rawValue)
      buffer.writeInteger(Int32(count))
      buffer.writeInteger(Int32(1))
    }

    mutating func appendNull() {
      hasNulls = true
      buffer.writeInteger(Int32(-1))
    }

    mutating func append(_ value: Int64) {
      buffer.writeInteger(Int32(8))
      buffer.writeInteger(value)
    }

    mutating func append(_ value: Int32) {
      buffer.writeInteger(Int32(4))
      buffer.writeInteger(value)
    }

    mutating func append(_ value: Double) {
      buffer.writeInteger(Int32(8))
      buffer.writeInteger(value.bitPattern)
    }

    mutating func append(_ value: Bool) {
      buffer.writeInteger(Int32(1))
      buffer.writeInteger(UInt8(value ? 1 : 0))
    }

    /// A timestamptz from Unix epoch microseconds (the caller checked `timestampRange`).
    mutating func appendTimestamp(_ micros: Int64) {
      append(micros - PostgresArray.postgresEpochMicros)
    }

    mutating func appendText<Bytes: Collection<UInt8>>(_ utf8: Bytes) {
      buffer.writeInteger(Int32(utf8.count))
      buffer.writeBytes(utf8)
    }

    mutating func append(_ text: String) { appendText(text.utf8) }

    consuming func finish() -> PostgresArray {
      if hasNulls { buffer.setInteger(Int32(1), at: flagIndex) }
      return PostgresArray(psqlType: arrayType, bytes: buffer)
    }
  }

  static func int64s(_ values: some Collection<Int64>) -> PostgresArray {
    var builder = Builder(
      element: .int8, array: .int8Array, count: values.count, bytesPerElement: 8)
    for value in values { builder.append(value) }
    return builder.finish()
  }

  static func int32s(_ values: some Collection<Int32>) -> PostgresArray {
    var builder = Builder(
      element: .int4, array: .int4Array, count: values.count, bytesPerElement: 4)
    for value in values { builder.append(value) }
    return builder.finish()
  }

  static func booleans(_ values: some Collection<Bool>) -> PostgresArray {
    var builder = Builder(
      element: .bool, array: .boolArray, count: values.count, bytesPerElement: 1)
    for value in values { builder.append(value) }
    return builder.finish()
  }

  static func texts(_ values: some Collection<String>) -> PostgresArray {
    var builder = Builder(
      element: .text, array: .textArray, count: values.count, bytesPerElement: 16)
    for value in values { builder.append(value) }
    return builder.finish()
  }

  static func timestamps(_ values: some Collection<Int64>) -> PostgresArray {
    var builder = Builder(
      element: .timestamptz, array: .timestamptzArray, count: values.count, bytesPerElement: 8)
    for value in values { builder.appendTimestamp(value) }
    return builder.finish()
  }
}

extension OnlineColumnType {
  /// The SQL type of a column of this feature type: ordinary PostgreSQL types, so that psql
  /// and any SQL client read the table as it is. Text compares byte by byte (`COLLATE "C"`),
  /// as SQLite does, so keys are the same entities and rows come in the same order in both
  /// stores whatever the database's locale.
  var postgresType: String {
    switch self {
    case .bigint: return "bigint"
    case .double: return "double precision"
    case .string: return "text COLLATE \"C\""
    case .boolean: return "boolean"
    case .timestamp: return "timestamptz"
    }
  }

  /// The array type a batch's column of this type is sent as.
  var postgresArrayCast: String {
    switch self {
    case .bigint: return "bigint[]"
    case .double: return "double precision[]"
    case .string: return "text[]"
    case .boolean: return "boolean[]"
    case .timestamp: return "timestamptz[]"
    }
  }

  var postgresElement: (element: PostgresDataType, array: PostgresDataType, bytes: Int) {
    switch self {
    case .bigint: return (.int8, .int8Array, 8)
    case .double: return (.float8, .float8Array, 8)
    case .string: return (.text, .textArray, 16)
    case .boolean: return (.bool, .boolArray, 1)
    case .timestamp: return (.timestamptz, .timestamptzArray, 8)
    }
  }
}
