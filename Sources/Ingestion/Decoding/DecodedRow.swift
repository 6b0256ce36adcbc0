/// A decoded feature write held in buffers that are reused from one record to the next: the
/// loop decodes every record into the same `DecodedRow`, so a record costs no allocation (no
/// key and value arrays, no strings), and an accepted row is copied from here straight into
/// the batch's columns. `FeatureWrite` holds the same content as a value of its own, for
/// everything else.
package struct DecodedRow {
  /// One column value. A string is a range of `bytes`: valid UTF-8 (the JSON reader checks),
  /// escapes resolved.
  enum Cell {
    case null
    case bigint(Int64)
    case double(Double)
    case string(start: Int32, count: Int32)
    case boolean(Bool)
    case timestamp(Int64)

    var isNull: Bool {
      if case .null = self { return true }
      return false
    }
  }

  /// Position of the group in `IdemstreamConfig.featureGroups`.
  var groupIndex = 0
  private(set) var keyCount = 0
  private(set) var valueCount = 0
  /// The primary-key values in `FeatureGroup.primaryKey` order, then one per
  /// `FeatureGroup.valueFeatures` entry; past those, spare cells a wider group left. (The
  /// buffers are not emptied between records: `removeAll(keepingCapacity:)` costs more than
  /// the record.)
  private(set) var cells: [Cell] = []
  /// The bytes of the string cells and of the idempotency key: the first `byteCount`.
  private(set) var bytes: [UInt8] = []
  private var byteCount = 0
  /// Bytes kept from record to record; a larger record's buffer is let go after it, so that
  /// one huge record does not hold its size for the rest of the run.
  static let retainedBytes = 1 << 20
  /// Microseconds since the Unix epoch, UTC.
  var eventTimeMicros: Int64 = 0
  var operation = WriteOperation.upsert
  /// Where in `bytes` the idempotency key is.
  private(set) var idempotencyKey: Range<Int> = 0..<0
  var idempotencyKeyIsDerived = false
  /// As `FeatureWrite.contentFingerprint`.
  package var contentFingerprint: UInt64 = 0

  package init() {}

  /// Forgets the previous record, keeping the buffers.
  mutating func clear() {
    if bytes.count > Self.retainedBytes { bytes = [] }
    groupIndex = 0
    keyCount = 0
    valueCount = 0
    byteCount = 0
    eventTimeMicros = 0
    operation = .upsert
    idempotencyKey = 0..<0
    idempotencyKeyIsDerived = false
    contentFingerprint = 0
  }

  /// Lays out null cells for a group's key and values (the bytes stay: an idempotency key
  /// may have been read before the group was known).
  mutating func setGroup(_ index: Int, keyCount: Int, valueCount: Int) {
    groupIndex = index
    self.keyCount = keyCount
    self.valueCount = valueCount
    let count = keyCount + valueCount
    if cells.count < count {
      cells.append(contentsOf: repeatElement(.null, count: count - cells.count))
    }
    cells.withUnsafeMutableBufferPointer { cells in
      for index in 0..<count { cells[index] = .null }
    }
  }

  /// Lays out null cells for `schema`'s group.
  mutating func setGroup(_ schema: GroupSchema) {
    setGroup(schema.index, keyCount: schema.keyCount, valueCount: schema.valueCount)
  }

  @inline(__always)
  func key(_ slot: Int) -> Cell { cells[slot] }

  @inline(__always)
  func value(_ slot: Int) -> Cell { cells[keyCount + slot] }

  @inline(__always)
  mutating func setKey(_ slot: Int, _ cell: Cell) { cells[slot] = cell }

  @inline(__always)
  mutating func setValue(_ slot: Int, _ cell: Cell) { cells[keyCount + slot] = cell }

  /// Makes every value null: a delete carries none.
  mutating func clearValues() {
    for index in keyCount..<(keyCount + valueCount) { cells[index] = .null }
  }

  /// Keeps `text` (UTF-8) in `bytes` and returns its cell. A record is at most
  /// `max_record_bytes` (1 GiB), so the offsets of its strings fit an `Int32`.
  @inline(__always)
  mutating func appendString(_ text: UnsafeBufferPointer<UInt8>) -> Cell {
    let start = keep(text)
    return .string(start: Int32(start), count: Int32(text.count))
  }

  /// Keeps `key` (UTF-8) in `bytes` as the idempotency key.
  mutating func setIdempotencyKey(_ key: UnsafeBufferPointer<UInt8>) {
    let start = keep(key)
    idempotencyKey = start..<start + key.count
  }

  /// Copies `text` after the bytes kept so far; returns where it starts.
  @inline(__always)
  private mutating func keep(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    let start = byteCount
    byteCount += text.count
    if bytes.count < byteCount {
      let grown = max(byteCount, 2 * bytes.count, 256)
      bytes.append(contentsOf: repeatElement(0, count: grown - bytes.count))
    }
    if let source = text.baseAddress {
      bytes.withUnsafeMutableBufferPointer { buffer in
        (buffer.baseAddress! + start).update(from: source, count: text.count)
      }
    }
    return start
  }

  /// Passes the bytes of a string cell (start, count) to `body`.
  @inline(__always)
  func withBytes<Result>(
    start: Int32, count: Int32, _ body: (UnsafeRawBufferPointer) -> Result
  ) -> Result {
    bytes.withUnsafeBytes { all in
      body(UnsafeRawBufferPointer(rebasing: all[Int(start)..<Int(start) + Int(count)]))
    }
  }

  /// Passes the idempotency key's bytes to `body`.
  @inline(__always)
  func withIdempotencyKey<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    bytes.withUnsafeBytes { all in body(UnsafeRawBufferPointer(rebasing: all[idempotencyKey])) }
  }

  /// The event time in whole milliseconds (rounded down), as `FeatureWrite.eventTimeMillis`.
  var eventTimeMillis: Int64 { FeatureWrite.millis(fromMicros: eventTimeMicros) }
}
