/// The XXH64 hash (xxHash specification, 64-bit variant), written from the published
/// algorithm description.
///
/// idemstream uses it for the content fingerprint of every decoded write: a fast,
/// well-distributed 64-bit value whose output is fixed by a public specification, so a
/// fingerprint persisted today compares equal to one computed by any later version.
public enum XXHash64 {
  static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
  static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
  static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
  static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

  @inline(__always)
  static func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 &- amount))
  }

  @inline(__always)
  static func round(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
    rotateLeft(accumulator &+ lane &* prime2, 31) &* prime1
  }

  @inline(__always)
  static func merge(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
    (accumulator ^ round(0, lane)) &* prime1 &+ prime4
  }

  /// The hash of `bytes` with `seed`.
  public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
    let count = bytes.count
    guard let base = bytes.baseAddress, count > 0 else { return avalanche(seed &+ prime5) }
    var offset = 0
    var accumulator: UInt64
    if count >= 32 {
      var v1 = seed &+ prime1 &+ prime2
      var v2 = seed &+ prime2
      var v3 = seed
      var v4 = seed &- prime1
      while offset + 32 <= count {
        v1 = round(v1, lane64(base, offset))
        v2 = round(v2, lane64(base, offset + 8))
        v3 = round(v3, lane64(base, offset + 16))
        v4 = round(v4, lane64(base, offset + 24))
        offset += 32
      }
      accumulator = converge(v1, v2, v3, v4)
    } else {
      accumulator = seed &+ prime5
    }
    return finish(accumulator, base, from: offset, count: count)
  }

  /// The hashes of `bytes` with two seeds, in one pass over the stripes: what depends only
  /// on the input (each lane times the primes) is computed once for both. Equal to
  /// `(hash(bytes, seed: first), hash(bytes, seed: second))`; the dedup key is such a pair.
  public static func hash(_ bytes: UnsafeRawBufferPointer, seeds first: UInt64, _ second: UInt64)
    -> (UInt64, UInt64)
  {
    let count = bytes.count
    guard let base = bytes.baseAddress, count > 0 else {
      return (avalanche(first &+ prime5), avalanche(second &+ prime5))
    }
    var offset = 0
    var a: UInt64
    var b: UInt64
    if count >= 32 {
      var a1 = first &+ prime1 &+ prime2
      var a2 = first &+ prime2
      var a3 = first
      var a4 = first &- prime1
      var b1 = second &+ prime1 &+ prime2
      var b2 = second &+ prime2
      var b3 = second
      var b4 = second &- prime1
      while offset + 32 <= count {
        let l1 = lane64(base, offset) &* prime2
        let l2 = lane64(base, offset + 8) &* prime2
        let l3 = lane64(base, offset + 16) &* prime2
        let l4 = lane64(base, offset + 24) &* prime2
        a1 = rotateLeft(a1 &+ l1, 31) &* prime1
        a2 = rotateLeft(a2 &+ l2, 31) &* prime1
        a3 = rotateLeft(a3 &+ l3, 31) &* prime1
        a4 = rotateLeft(a4 &+ l4, 31) &* prime1
        b1 = rotateLeft(b1 &+ l1, 31) &* prime1
        b2 = rotateLeft(b2 &+ l2, 31) &* prime1
        b3 = rotateLeft(b3 &+ l3, 31) &* prime1
        b4 = rotateLeft(b4 &+ l4, 31) &* prime1
        offset += 32
      }
      a = converge(a1, a2, a3, a4)
      b = converge(b1, b2, b3, b4)
    } else {
      a = first &+ prime5
      b = second &+ prime5
    }
    // The tail is under 32 bytes: each hash reads it on its own.
    return (
      finish(a, base, from: offset, count: count), finish(b, base, from: offset, count: count)
    )
  }

  /// Folds the four stripe accumulators into one.
  @inline(__always)
  static func converge(_ v1: UInt64, _ v2: UInt64, _ v3: UInt64, _ v4: UInt64) -> UInt64 {
    let sum = rotateLeft(v1, 1) &+ rotateLeft(v2, 7) &+ rotateLeft(v3, 12) &+ rotateLeft(v4, 18)
    return merge(merge(merge(merge(sum, v1), v2), v3), v4)
  }

  /// Adds the length and the bytes after the last whole stripe (from `offset`), then
  /// avalanches.
  @inline(__always)
  static func finish(
    _ accumulator: UInt64, _ base: UnsafeRawPointer, from start: Int, count: Int
  ) -> UInt64 {
    var accumulator = accumulator &+ UInt64(count)
    var offset = start
    while offset + 8 <= count {
      accumulator ^= round(0, lane64(base, offset))
      accumulator = rotateLeft(accumulator, 27) &* prime1 &+ prime4
      offset += 8
    }
    if offset + 4 <= count {
      let lane = UInt64(
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
      accumulator ^= lane &* prime1
      accumulator = rotateLeft(accumulator, 23) &* prime2 &+ prime3
      offset += 4
    }
    while offset < count {
      accumulator ^= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
      accumulator = rotateLeft(accumulator, 11) &* prime1
      offset += 1
    }
    return avalanche(accumulator)
  }

  /// The hash of a byte collection.
  public static func hash<Bytes: Collection<UInt8>>(_ bytes: Bytes, seed: UInt64 = 0) -> UInt64 {
    if let result = bytes.withContiguousStorageIfAvailable({
      hash(UnsafeRawBufferPointer($0), seed: seed)
    }) {
      return result
    }
    return Array(bytes).withUnsafeBytes { hash($0, seed: seed) }
  }

  @inline(__always)
  static func lane64(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
    UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  @inline(__always)
  static func avalanche(_ value: UInt64) -> UInt64 {
    var hash = value
    hash ^= hash >> 33
    hash &*= prime2
    hash ^= hash >> 29
    hash &*= prime3
    hash ^= hash >> 32
    return hash
  }
}
