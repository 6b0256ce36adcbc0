/// The identity a dedup entry is kept under: the write's scope — (feature group, version,
/// entity, idempotency key) — read in one Kafka partition, reduced to 128 bits by two XXH64
/// hashes (seeds 0 and 0x9E3779B97F4A7C15) over the bytes `DedupKeyEncoder` lays out.
///
/// The partition is part of the identity because a decision may depend only on the records
/// of its own partition (the log clock that measures the window is a partition's): with
/// entities keyed to one partition, as producers are asked to, the partition adds nothing,
/// and an entity seen in a second partition is decided there without looking at the first,
/// so that no decision depends on which partition happened to be consumed first.
///
/// XXH64 rather than SHA-256: this runs once per record on the hot path, and nothing here
/// needs resistance to a chosen-collision attack (a producer choosing keys can only make its
/// own writes collide). The value is the same on every machine, run and version, so it can
/// be persisted. Collision odds for n distinct keys are about n² / 2¹²⁹ if the two halves
/// behave as independent hashes — for a billion keys held at once, about 1.5 × 10⁻²¹.
public struct DedupKey: Sendable, Hashable {
  public let high: UInt64
  public let low: UInt64

  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// The key of `write` read in (`topic`, `partition`), for callers off the loop.
  public init(_ write: FeatureWrite, version: Int, topic: String, partition: Int32) {
    var encoder = DedupKeyEncoder()
    encoder.begin(
      topic: topic, partition: partition,
      groupPrefix: DedupKeyEncoder.groupPrefix(name: write.groupName, version: version))
    for value in write.key { encoder.append(value) }
    self =
      write.idempotencyKey.utf8.withContiguousStorageIfAvailable {
        encoder.finish(idempotencyKey: UnsafeRawBufferPointer($0))
      } ?? encoder.finish(idempotencyKey: Array(write.idempotencyKey.utf8))
  }

  public func hash(into hasher: inout Hasher) {
    // Already uniformly distributed: one word is plenty for the table.
    hasher.combine(low)
  }
}

/// Lays out the bytes a `DedupKey` hashes, in a buffer reused from record to record:
/// `u32le(topic length) ‖ topic ‖ u32le(partition) ‖ group prefix ‖ entity ‖
/// u32le(key length) ‖ idempotency key`, where the group prefix is `u32le(name length) ‖
/// name ‖ u32le(version)` and the entity is each primary-key value as a type tag and its
/// bytes (strings with their length). Every variable-length part carries its length, so
/// no two scopes lay out the same bytes.
struct DedupKeyEncoder {
  private var bytes: [UInt8] = []

  /// A group's part of the layout, computed once per group.
  static func groupPrefix(name: String, version: Int) -> [UInt8] {
    var prefix: [UInt8] = []
    appendLength(name.utf8.count, to: &prefix)
    prefix += name.utf8
    appendLength(version, to: &prefix)
    return prefix
  }

  private static func appendLength(_ value: Int, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { bytes += $0 }
  }

  private mutating func appendWord(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  mutating func begin(topic: String, partition: Int32, groupPrefix: [UInt8]) {
    bytes.removeAll(keepingCapacity: true)
    Self.appendLength(topic.utf8.count, to: &bytes)
    var topic = topic
    topic.withUTF8 { bytes += $0 }
    Self.appendLength(Int(UInt32(bitPattern: partition)), to: &bytes)
    bytes += groupPrefix
  }

  /// One primary-key value of a decoded row.
  mutating func append(_ cell: DecodedRow.Cell, of row: DecodedRow) {
    switch cell {
    case .null: bytes.append(0)
    case .bigint(let value):
      bytes.append(1)
      appendWord(UInt64(bitPattern: value))
    case .double(let value):
      bytes.append(2)
      appendWord(value.bitPattern)
    case .string(let start, let count):
      bytes.append(3)
      Self.appendLength(Int(count), to: &bytes)
      row.withBytes(start: start, count: count) { bytes += $0 }
    case .boolean(let value): bytes += [4, value ? 1 : 0]
    case .timestamp(let value):
      bytes.append(5)
      appendWord(UInt64(bitPattern: value))
    }
  }

  /// One primary-key value of a `FeatureWrite`, laid out as `append(_:of:)` lays out the
  /// same value of a decoded row.
  mutating func append(_ value: FeatureValue) {
    switch value {
    case .null: bytes.append(0)
    case .bigint(let value):
      bytes.append(1)
      appendWord(UInt64(bitPattern: value))
    case .double(let value):
      bytes.append(2)
      appendWord(value.bitPattern)
    case .string(let text):
      bytes.append(3)
      Self.appendLength(text.utf8.count, to: &bytes)
      bytes += text.utf8
    case .boolean(let value): bytes += [4, value ? 1 : 0]
    case .timestamp(let value):
      bytes.append(5)
      appendWord(UInt64(bitPattern: value))
    }
  }

  /// The key of the write decoded into `row`, read at (`topic`, `partition`).
  mutating func key(
    of row: DecodedRow, groupPrefix: [UInt8], topic: String, partition: Int32
  ) -> DedupKey {
    begin(topic: topic, partition: partition, groupPrefix: groupPrefix)
    for slot in 0..<row.keyCount { append(row.key(slot), of: row) }
    return row.withIdempotencyKey { finish(idempotencyKey: $0) }
  }

  mutating func finish<Key: Collection<UInt8>>(idempotencyKey: Key) -> DedupKey {
    Self.appendLength(idempotencyKey.count, to: &bytes)
    bytes += idempotencyKey
    let digest = bytes.withUnsafeBytes {
      XXHash64.hash($0, seeds: 0, 0x9E37_79B9_7F4A_7C15)
    }
    return DedupKey(high: digest.0, low: digest.1)
  }
}
