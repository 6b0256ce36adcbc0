/// A SHA-256 digest held as four big-endian 64-bit words, so that it can be compared, hashed
/// and truncated (the dedup key keeps the first two words) without an array allocation.
public struct SHA256Digest: Sendable, Hashable {
  public let word0: UInt64
  public let word1: UInt64
  public let word2: UInt64
  public let word3: UInt64

  public init(word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64) {
    self.word0 = word0
    self.word1 = word1
    self.word2 = word2
    self.word3 = word3
  }

  /// The 32 digest bytes in the standard order.
  public var bytes: [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(32)
    for word in [word0, word1, word2, word3] {
      for shift in stride(from: 56, through: 0, by: -8) {
        result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
      }
    }
    return result
  }

  /// The digest as 64 lowercase hexadecimal digits (the usual `sha256sum` spelling).
  public var hexString: String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: 64) { buffer in
      var index = 0
      for word in [word0, word1, word2, word3] {
        for shift in stride(from: 60, through: 0, by: -4) {
          buffer[index] = digits[Int((word >> UInt64(shift)) & 0xF)]
          index += 1
        }
      }
      return 64
    }
  }
}
