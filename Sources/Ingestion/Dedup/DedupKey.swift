/// The identity a dedup entry is kept under: (feature group, idempotency key) reduced to 128
/// bits: two XXH64 hashes, with seeds 0 and 0x9E3779B97F4A7C15, over
/// `u32le(group byte length) ‖ group ‖ key`.
///
/// XXH64 rather than SHA-256: this runs once per record on the hot path, and nothing here
/// needs resistance to a chosen-collision attack (a producer choosing keys can only make its
/// own writes collide). The length prefix keeps ("ab", "c") and ("a", "bc") apart. The value
/// is the same on every machine, run and version, so it can be persisted. Collision odds for
/// n distinct keys are about n² / 2¹²⁹ if the two halves behave as independent hashes — for
/// a billion keys held at once, about 1.5 × 10⁻²¹.
public struct DedupKey: Sendable, Hashable {
  public let high: UInt64
  public let low: UInt64

  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// The key of `idempotencyKey` in `group`.
  public init(group: String, idempotencyKey: String) {
    var group = group
    var key = idempotencyKey
    self = group.withUTF8 { groupBytes in
      key.withUTF8 { keyBytes in
        DedupKey(
          group: UnsafeRawBufferPointer(groupBytes),
          idempotencyKey: UnsafeRawBufferPointer(keyBytes))
      }
    }
  }

  /// The key of `idempotencyKey` in `group`, both given as their UTF-8 bytes.
  init(group groupBytes: UnsafeRawBufferPointer, idempotencyKey keyBytes: UnsafeRawBufferPointer) {
    let size = 4 + groupBytes.count + keyBytes.count
    let digest = withUnsafeTemporaryAllocation(byteCount: size, alignment: 4) { buffer in
      buffer.storeBytes(of: UInt32(groupBytes.count).littleEndian, as: UInt32.self)
      let base = buffer.baseAddress!
      if let source = groupBytes.baseAddress {
        (base + 4).copyMemory(from: source, byteCount: groupBytes.count)
      }
      if let source = keyBytes.baseAddress {
        (base + 4 + groupBytes.count).copyMemory(from: source, byteCount: keyBytes.count)
      }
      return XXHash64.hash(UnsafeRawBufferPointer(buffer), seeds: 0, 0x9E37_79B9_7F4A_7C15)
    }
    self.init(high: digest.0, low: digest.1)
  }

  /// The key of a decoded write.
  public init(_ write: FeatureWrite) {
    self.init(group: write.groupName, idempotencyKey: write.idempotencyKey)
  }

  public func hash(into hasher: inout Hasher) {
    // Already uniformly distributed: one word is plenty for the table.
    hasher.combine(low)
  }
}
