/// Reads one `OnlineColumnValues` cell by cell: its storage unpacked once per batch into
/// plain arrays, so the per-row calls only index them. A class, so that handing a reader
/// around retains one object rather than each of its arrays.
final class OnlineColumnReader {
  let type: OnlineColumnType
  private let integers: [Int64]
  private let doubles: [Double]
  private let booleans: [Bool]
  /// The text bytes, copied once into memory this reader owns, so that SQLite may bind
  /// them without its own copy per cell (`bindStaticText`): they stay put until `deinit`,
  /// and every statement is bound afresh before each step.
  private let bytes: UnsafeMutableBufferPointer<UInt8>
  private let offsets: [Int32]
  /// Empty when nothing is null.
  private let validity: [Bool]

  init(_ column: OnlineColumnValues) {
    type = column.type
    validity = column.validity ?? []
    var integers: [Int64] = []
    var doubles: [Double] = []
    var booleans: [Bool] = []
    var text: [UInt8] = []
    var offsets: [Int32] = []
    switch column.storage {
    case .integers(let values): integers = values
    case .doubles(let values): doubles = values
    case .booleans(let values): booleans = values
    case .strings(let values, let ends):
      text = values
      offsets = ends
    }
    self.integers = integers
    self.doubles = doubles
    self.booleans = booleans
    bytes = .allocate(capacity: max(text.count, 1))
    _ = bytes.initialize(from: text)
    self.offsets = offsets
  }

  deinit {
    bytes.deallocate()
  }

  @inline(__always)
  func isNull(_ row: Int) -> Bool { !validity.isEmpty && !validity[row] }

  @inline(__always)
  private func integer(_ row: Int) -> Int64 {
    booleans.isEmpty ? integers[row] : (booleans[row] ? 1 : 0)
  }

  /// Appends the cell in `EntitySlots`' key encoding (tag, then value).
  func appendKeyEncoding(_ row: Int, to encoding: inout [UInt8]) {
    if isNull(row) { return encoding.append(0) }
    switch type {
    case .bigint: EntitySlots.append(tag: 1, UInt64(bitPattern: integer(row)), to: &encoding)
    case .double:
      let number = doubles[row]
      EntitySlots.append(tag: 2, number == 0 ? 0 : number.bitPattern, to: &encoding)
    case .string:
      let start = Int(offsets[row])
      let end = Int(offsets[row + 1])
      EntitySlots.append(tag: 3, UInt64(end - start), to: &encoding)
      encoding.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    case .boolean: EntitySlots.append(tag: 4, UInt64(bitPattern: integer(row)), to: &encoding)
    case .timestamp: EntitySlots.append(tag: 5, UInt64(bitPattern: integer(row)), to: &encoding)
    }
  }

  /// Binds the cell to parameter `index` (booleans as 0/1, a NaN double as null, as SQLite
  /// stores it).
  func bind(_ row: Int, to statement: SQLiteStatement, at index: Int32) throws {
    if isNull(row) { return try statement.bindNull(at: index) }
    switch type {
    case .bigint, .timestamp, .boolean: try statement.bind(integer(row), at: index)
    case .double: try statement.bind(doubles[row], at: index)
    case .string:
      let start = Int(offsets[row])
      try statement.bindStaticText(
        UnsafeRawPointer(bytes.baseAddress! + start), count: Int(offsets[row + 1]) - start,
        at: index)
    }
  }

  /// The cell as a value (for the rare paths that need one, such as error messages).
  func value(_ row: Int) -> OnlineValue {
    if isNull(row) { return .null }
    switch type {
    case .bigint: return .bigint(integer(row))
    case .timestamp: return .timestamp(integer(row))
    case .boolean: return .boolean(integer(row) != 0)
    case .double: return .double(doubles[row])
    case .string:
      let range = Int(offsets[row])..<Int(offsets[row + 1])
      return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }
  }
}

/// The readers of a batch's key and value columns, for one group's table.
struct OnlineRowReader {
  let keys: [OnlineColumnReader]
  let values: [OnlineColumnReader]
  let columns: OnlineColumns

  init(_ columns: OnlineColumns) {
    self.columns = columns
    keys = columns.keys.map(OnlineColumnReader.init)
    values = columns.values.map(OnlineColumnReader.init)
  }

  func encodeKey(_ row: Int, into encoding: inout [UInt8]) {
    encoding.removeAll(keepingCapacity: true)
    for column in keys { column.appendKeyEncoding(row, to: &encoding) }
  }

  func key(_ row: Int) -> [OnlineValue] { keys.map { $0.value(row) } }
}
