/// The canonical byte form of a decoded write, version 1, from which the derived idempotency
/// key (SHA-256) and the content fingerprint (XXH64) are computed.
///
/// It depends only on what was decoded, never on how the JSON was spelled (field order,
/// whitespace, escapes, `5` vs `5.0` for a double), and it survives schema evolution: columns
/// are named and sorted by name, and null features are left out, so adding a nullable feature
/// or reordering `features:` in the config does not change the form of existing writes.
///
/// Layout (integers little-endian; `str` = u32 byte length + UTF-8 bytes):
///
///     u8   0x01                               form version
///     str  feature group name
///     u32  number of primary-key columns
///          per column, sorted by name (bytewise): str name, value
///     i64  event time, microseconds UTC
///     u8   operation: 0 upsert, 1 delete
///     u32  number of non-null features (a delete has none)
///          per feature, sorted by name (bytewise): str name, value
///
///     value: u8 tag, then 1 bigint i64 | 2 double IEEE-754 bits u64 | 3 string str
///            | 4 boolean u8 (0/1) | 5 timestamp i64 microseconds
public enum CanonicalWrite {
  /// The canonical bytes of `write`, decoded against `group`.
  public static func bytes(of write: FeatureWrite, in group: FeatureGroup) -> [UInt8] {
    withBytes(of: write, in: group) { Array($0) }
  }

  /// The XXH64 content fingerprint of `write`: what the decoder puts in
  /// `FeatureWrite.contentFingerprint`, recomputable from a stored row.
  public static func fingerprint(of write: FeatureWrite, in group: FeatureGroup) -> UInt64 {
    withBytes(of: write, in: group) { fingerprint($0) }
  }

  /// The idempotency key derived from the content of `write` (lowercase hex SHA-256).
  public static func derivedIdempotencyKey(of write: FeatureWrite, in group: FeatureGroup) -> String
  {
    withBytes(of: write, in: group) { SHA256.digest($0).hexString }
  }

  /// A `FeatureWrite` is encoded through a `DecodedRow`, so that there is one encoder.
  private static func withBytes<Result>(
    of write: FeatureWrite, in group: FeatureGroup, _ body: (UnsafeRawBufferPointer) -> Result
  ) -> Result {
    var row = DecodedRow(write)
    return row.withCanonicalBytes(layout: CanonicalLayout(group: group), body)
  }

  /// Seed of the fingerprint hash; fixed forever, as fingerprints are persisted.
  static let fingerprintSeed: UInt64 = 0x6964_656D_7374_7231

  static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    XXHash64.hash(bytes, seed: fingerprintSeed)
  }

  @inline(__always)
  static func encodedSize(_ cell: DecodedRow.Cell) -> Int {
    switch cell {
    case .null: return 1
    case .boolean: return 2
    case .bigint, .double, .timestamp: return 9
    case .string(_, let count): return 5 + Int(count)
    }
  }
}

/// The per-group constant parts of the canonical form, computed once per group: the header
/// up to the key column count, and each column's `str name` prefix in name order.
///
/// Immutable after `init` (hence `@unchecked Sendable`); kept in raw memory so that building a
/// canonical form involves no reference counting.
final class CanonicalLayout: @unchecked Sendable {
  struct Column {
    /// Index into `FeatureWrite.key` or `FeatureWrite.values`.
    let slot: Int
    let prefixStart: Int
    let prefixLength: Int
  }

  /// `0x01`, `str group`, `u32 key column count`.
  let header: UnsafeMutableRawBufferPointer
  /// Every column's `u32 length ‖ name`, back to back.
  let prefixes: UnsafeMutableRawBufferPointer
  /// Primary-key columns sorted by name.
  let keyColumns: UnsafeMutableBufferPointer<Column>
  /// Other features sorted by name.
  let valueColumns: UnsafeMutableBufferPointer<Column>

  init(group: FeatureGroup) {
    var headerBytes: [UInt8] = [1]
    CanonicalLayout.appendString(Array(group.name.utf8), to: &headerBytes)
    withUnsafeBytes(of: UInt32(group.primaryKey.count).littleEndian) {
      headerBytes.append(contentsOf: $0)
    }
    var prefixBytes: [UInt8] = []
    func sortedColumns(_ names: [String]) -> [Column] {
      let bytes = names.map { Array($0.utf8) }
      return bytes.indices.sorted { bytes[$0].lexicographicallyPrecedes(bytes[$1]) }.map { slot in
        let start = prefixBytes.count
        CanonicalLayout.appendString(bytes[slot], to: &prefixBytes)
        return Column(slot: slot, prefixStart: start, prefixLength: prefixBytes.count - start)
      }
    }
    let keys = sortedColumns(group.primaryKey)
    let values = sortedColumns(group.valueFeatures.map(\.name))
    header = CanonicalLayout.copy(headerBytes)
    prefixes = CanonicalLayout.copy(prefixBytes)
    keyColumns = .allocate(capacity: keys.count)
    _ = keyColumns.initialize(from: keys)
    valueColumns = .allocate(capacity: values.count)
    _ = valueColumns.initialize(from: values)
  }

  deinit {
    header.deallocate()
    prefixes.deallocate()
    keyColumns.deallocate()
    valueColumns.deallocate()
  }

  /// The prefix bytes of `column`.
  @inline(__always)
  func prefix(_ column: Column) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(
      start: prefixes.baseAddress! + column.prefixStart, count: column.prefixLength)
  }

  private static func copy(_ bytes: [UInt8]) -> UnsafeMutableRawBufferPointer {
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(1, bytes.count), alignment: 8)
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count])
  }

  static func appendString(_ bytes: [UInt8], to output: inout [UInt8]) {
    withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { output.append(contentsOf: $0) }
    output.append(contentsOf: bytes)
  }
}

/// Appends little-endian fields to memory sized beforehand by `CanonicalWrite.withBytes`.
struct CanonicalByteWriter {
  let pointer: UnsafeMutableRawPointer
  /// The row's string bytes, which its string cells point into.
  let strings: UnsafeRawBufferPointer
  var offset = 0

  @inline(__always)
  mutating func byte(_ value: UInt8) {
    pointer.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    offset += 1
  }

  @inline(__always)
  mutating func uint32(_ value: UInt32) {
    pointer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    offset += 4
  }

  @inline(__always)
  mutating func uint64(_ value: UInt64) {
    pointer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
    offset += 8
  }

  @inline(__always)
  mutating func raw(_ bytes: UnsafeRawBufferPointer) {
    if let source = bytes.baseAddress {
      (pointer + offset).copyMemory(from: source, byteCount: bytes.count)
    }
    offset += bytes.count
  }

  @inline(__always)
  mutating func value(_ cell: DecodedRow.Cell) {
    switch cell {
    case .null:
      byte(0)
    case .bigint(let number):
      byte(1)
      uint64(UInt64(bitPattern: number))
    case .double(let number):
      byte(2)
      uint64(number.bitPattern)
    case .string(let start, let count):
      byte(3)
      uint32(UInt32(count))
      raw(UnsafeRawBufferPointer(rebasing: strings[Int(start)..<Int(start) + Int(count)]))
    case .boolean(let flag):
      byte(4)
      byte(flag ? 1 : 0)
    case .timestamp(let micros):
      byte(5)
      uint64(UInt64(bitPattern: micros))
    }
  }
}

extension DecodedRow {
  /// Builds the row's canonical bytes (`CanonicalWrite`) in temporary (stack, when small)
  /// memory and passes them to `body`. The per-group constant parts (header, `str name`
  /// prefixes) come pre-encoded from `layout`, so the work per write is the values
  /// themselves. It changes nothing; it is `mutating` because the decoder's row is `inout`,
  /// and a non-mutating call on it measured a copy of the row (its arrays retained and
  /// released) per record.
  @inline(__always)
  mutating func withCanonicalBytes<Result>(
    layout: CanonicalLayout, _ body: (UnsafeRawBufferPointer) -> Result
  ) -> Result {
    cells.withUnsafeBufferPointer { cells in
      bytes.withUnsafeBytes { strings in
        let isUpsert = operation == .upsert
        var size = layout.header.count + 8 + 1 + 4
        for column in layout.keyColumns {
          size += column.prefixLength + CanonicalWrite.encodedSize(cells[column.slot])
        }
        if isUpsert {
          for column in layout.valueColumns where !cells[keyCount + column.slot].isNull {
            size += column.prefixLength + CanonicalWrite.encodedSize(cells[keyCount + column.slot])
          }
        }
        return withUnsafeTemporaryAllocation(byteCount: size, alignment: 8) { buffer in
          var writer = CanonicalByteWriter(pointer: buffer.baseAddress!, strings: strings)
          writer.raw(UnsafeRawBufferPointer(layout.header))
          for column in layout.keyColumns {
            writer.raw(layout.prefix(column))
            writer.value(cells[column.slot])
          }
          writer.uint64(UInt64(bitPattern: eventTimeMicros))
          writer.byte(isUpsert ? 0 : 1)
          let countOffset = writer.offset
          writer.uint32(0)
          var present: UInt32 = 0
          if isUpsert {
            for column in layout.valueColumns where !cells[keyCount + column.slot].isNull {
              writer.raw(layout.prefix(column))
              writer.value(cells[keyCount + column.slot])
              present += 1
            }
          }
          buffer.storeBytes(of: present.littleEndian, toByteOffset: countOffset, as: UInt32.self)
          return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: writer.offset))
        }
      }
    }
  }
}
