/// The identity a dedup entry is kept under: (feature group, idempotency key) reduced to 128
/// bits, the first half of SHA-256 over `u32le(group byte length) ‖ group ‖ key`.
///
/// The length prefix keeps ("ab", "c") and ("a", "bc") apart. Being a prefix of SHA-256, the
/// value is the same on every machine, run and version, so it can be persisted. Collision
/// odds: for n distinct keys the chance that any two share a 128-bit hash is about
/// n² / 2¹²⁹ — for a billion keys held at once, about 1.5 × 10⁻²¹.
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
    let digest = group.withUTF8 { groupBytes in
      key.withUTF8 { keyBytes in
        let size = 4 + groupBytes.count + keyBytes.count
        return withUnsafeTemporaryAllocation(byteCount: size, alignment: 4) { buffer in
          buffer.storeBytes(of: UInt32(groupBytes.count).littleEndian, as: UInt32.self)
          let base = buffer.baseAddress!
          if let source = groupBytes.baseAddress {
            (base + 4).copyMemory(from: source, byteCount: groupBytes.count)
          }
          if let source = keyBytes.baseAddress {
            (base + 4 + groupBytes.count).copyMemory(from: source, byteCount: keyBytes.count)
          }
          return SHA256.digest(UnsafeRawBufferPointer(buffer))
        }
      }
    }
    self.init(high: digest.word0, low: digest.word1)
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
