/// One persisted dedup entry: an idempotency key the pipeline accepted, the content it had
/// and the position of the record that carried it (which makes a re-read record's decision
/// come out the same, see the exactly-once protocol).
///
/// Stored as a fixed-size binary record (`encodedSize` bytes, little-endian integers) in
/// the append-only dedup log, so a million entries load with one sequential read and no
/// parsing beyond fixed-offset loads. Logs written before entries named their table hold
/// `legacyEncodedSize`-byte records, read with `unknownTable` as their tag.
public struct DedupEntryRecord: Sendable, Hashable {
  public var keyHash: DedupKeyHash
  /// Fingerprint of the decoded write's content, to tell a duplicate from a conflict.
  public var fingerprint: UInt64
  public var partition: Int32
  public var offset: Int64
  /// Its partition's log clock at the accepted record (ms); the dedup window runs on it.
  public var clockMillis: Int64
  /// A 16-bit tag of the table (group version) that accepted the write, so that an entry
  /// is forgotten by its own table's clock; `unknownTable` for entries of an older log.
  public var tableTag: UInt16

  /// 16 (key hash) + 8 (fingerprint) + 4 (partition) + 8 (offset) + 8 (log clock) + 2
  /// (table tag) + 2 (zero).
  public static let encodedSize = 48
  /// The record before it carried a table tag: the same fields up to the log clock.
  public static let legacyEncodedSize = 44
  /// The tag of an entry whose table is not known.
  public static let unknownTable: UInt16 = 0

  public init(
    keyHash: DedupKeyHash, fingerprint: UInt64, partition: Int32, offset: Int64,
    clockMillis: Int64, tableTag: UInt16
  ) {
    self.keyHash = keyHash
    self.fingerprint = fingerprint
    self.partition = partition
    self.offset = offset
    self.clockMillis = clockMillis
    self.tableTag = tableTag
  }

  /// Writes the binary form at `offset` of `bytes`; the caller guarantees `encodedSize` bytes.
  func encode(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
    bytes.storeBytes(of: keyHash.high.bigEndian, toByteOffset: offset, as: UInt64.self)
    bytes.storeBytes(of: keyHash.low.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
    bytes.storeBytes(of: fingerprint.littleEndian, toByteOffset: offset + 16, as: UInt64.self)
    bytes.storeBytes(
      of: UInt32(bitPattern: partition).littleEndian, toByteOffset: offset + 24, as: UInt32.self)
    bytes.storeBytes(
      of: UInt64(bitPattern: self.offset).littleEndian, toByteOffset: offset + 28, as: UInt64.self)
    bytes.storeBytes(
      of: UInt64(bitPattern: clockMillis).littleEndian, toByteOffset: offset + 36,
      as: UInt64.self)
    bytes.storeBytes(of: tableTag.littleEndian, toByteOffset: offset + 44, as: UInt16.self)
    bytes.storeBytes(of: UInt16(0), toByteOffset: offset + 46, as: UInt16.self)
  }

  /// The binary form of `entries`, back to back.
  static func encode<Entries: Collection<DedupEntryRecord>>(_ entries: Entries) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: entries.count * encodedSize) { buffer, initialized in
      let raw = UnsafeMutableRawBufferPointer(buffer)
      var offset = 0
      for entry in entries {
        entry.encode(into: raw, at: offset)
        offset += encodedSize
      }
      initialized = offset
    }
  }

  /// Reads one record of `size` bytes (`encodedSize` or `legacyEncodedSize`) at `offset`
  /// of `bytes`; the caller guarantees them.
  init(decoding bytes: UnsafeRawBufferPointer, at offset: Int, size: Int = encodedSize) {
    let high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    let low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
    self.init(
      keyHash: DedupKeyHash(high: high, low: low),
      fingerprint: UInt64(
        littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)),
      partition: Int32(
        bitPattern: UInt32(
          littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt32.self))),
      offset: Int64(
        bitPattern: UInt64(
          littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 28, as: UInt64.self))),
      clockMillis: Int64(
        bitPattern: UInt64(
          littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 36, as: UInt64.self))),
      tableTag: size == Self.legacyEncodedSize
        ? Self.unknownTable
        : UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 44, as: UInt16.self)))
  }
}
