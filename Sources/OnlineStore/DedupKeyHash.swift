/// The 16-byte hash of a (feature group, idempotency key) pair, as the dedup index keys it.
///
/// Kept as two integers rather than an array so that a million entries cost no heap
/// allocations. `high` holds bytes 0–7 and `low` bytes 8–15, each big-endian, so that
/// `bytes` gives back exactly the digest prefix the caller started from.
public struct DedupKeyHash: Sendable, Hashable {
  public var high: UInt64
  public var low: UInt64

  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// Takes the first 16 bytes of a digest; returns nil when fewer are given.
  public init?(bytes: some Collection<UInt8>) {
    guard bytes.count >= 16 else { return nil }
    var high: UInt64 = 0
    var low: UInt64 = 0
    for (index, byte) in bytes.prefix(16).enumerated() {
      if index < 8 {
        high = high << 8 | UInt64(byte)
      } else {
        low = low << 8 | UInt64(byte)
      }
    }
    self.init(high: high, low: low)
  }

  /// The 16 bytes, in the order `init(bytes:)` took them.
  public var bytes: [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
      + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
  }
}
