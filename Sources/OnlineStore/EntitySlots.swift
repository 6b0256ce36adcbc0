#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Numbers the distinct entities of a batch (slot 0, 1, … in first-seen order).
///
/// A hand-rolled open-addressing table instead of `Dictionary<[OnlineValue], Int>` for two
/// reasons. Correctness: Swift compares strings by Unicode canonical equivalence, so
/// "é" and "e\u{301}" would be one entity here but two primary keys in SQLite, which
/// compares bytes; this table hashes and compares the UTF-8 bytes, as SQLite does.
/// Speed: it hashes a key's bytes in 8-byte words with a per-process random seed, about
/// four times faster than hashing the array of enums through `Hasher`.
struct EntitySlots {
  private(set) var keys: [[OnlineValue]] = []
  /// Per bucket the key's hash and its slot + 1 (0: empty), side by side so that a probe
  /// touches one cache line before it compares keys.
  private var buckets: [Bucket]
  private var mask: Int

  private struct Bucket {
    var hash: UInt64 = 0
    var slotPlusOne: Int = 0
  }

  private static let seed = UInt64.random(in: .min ... .max)

  init(expectedCount: Int) {
    var capacity = 16
    while capacity < expectedCount * 2 { capacity <<= 1 }
    buckets = [Bucket](repeating: Bucket(), count: capacity)
    mask = capacity - 1
    keys.reserveCapacity(expectedCount)
  }

  var count: Int { keys.count }

  /// The slot of `key`, adding it when new.
  mutating func slot(for key: [OnlineValue]) -> Int {
    let hash = Self.hash(key)
    var index = Int(truncatingIfNeeded: hash) & mask
    while buckets[index].slotPlusOne != 0 {
      let bucket = buckets[index]
      if bucket.hash == hash && Self.sameKey(keys[bucket.slotPlusOne - 1], key) {
        return bucket.slotPlusOne - 1
      }
      index = (index + 1) & mask
    }
    let slot = keys.count
    keys.append(key)
    buckets[index] = Bucket(hash: hash, slotPlusOne: slot + 1)
    if keys.count * 2 > buckets.count { grow() }
    return slot
  }

  private mutating func grow() {
    let old = buckets
    buckets = [Bucket](repeating: Bucket(), count: old.count * 2)
    mask = buckets.count - 1
    for bucket in old where bucket.slotPlusOne != 0 {
      var index = Int(truncatingIfNeeded: bucket.hash) & mask
      while buckets[index].slotPlusOne != 0 { index = (index + 1) & mask }
      buckets[index] = bucket
    }
  }

  /// Equality as SQLite's primary key sees it: strings byte for byte, numbers by value.
  static func sameKey(_ lhs: [OnlineValue], _ rhs: [OnlineValue]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for index in lhs.indices {
      switch (lhs[index], rhs[index]) {
      case (.string(let left), .string(let right)):
        if !sameBytes(left, right) { return false }
      case (let left, let right):
        if left != right { return false }
      }
    }
    return true
  }

  private static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
    let fast = lhs.utf8.withContiguousStorageIfAvailable { left in
      rhs.utf8.withContiguousStorageIfAvailable { right in
        left.count == right.count
          && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
      }
    }
    return (fast ?? nil) ?? lhs.utf8.elementsEqual(rhs.utf8)
  }

  private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
    var mixed = (state ^ word) &* 0xBF58_476D_1CE4_E5B9
    mixed ^= mixed >> 31
    return mixed &* 0x94D0_49BB_1331_11EB
  }

  static func hash(_ key: [OnlineValue]) -> UInt64 {
    var state = seed
    for value in key {
      switch value {
      case .null: state = mix(state, 0x6E75_6C6C)
      case .bigint(let number), .timestamp(let number):
        state = mix(state, UInt64(bitPattern: number))
      // 0.0 and -0.0 are one key to SQLite.
      case .double(let number): state = mix(state, number == 0 ? 0 : number.bitPattern)
      case .boolean(let flag): state = mix(state, flag ? 1 : 2)
      case .string(let text):
        state =
          text.utf8.withContiguousStorageIfAvailable {
            hashBytes(UnsafeRawBufferPointer($0), into: state)
          }
          ?? hashBytes(Array(text.utf8), into: state)
      }
    }
    return state
  }

  private static func hashBytes(_ bytes: [UInt8], into state: UInt64) -> UInt64 {
    bytes.withUnsafeBytes { hashBytes($0, into: state) }
  }

  private static func hashBytes(_ raw: UnsafeRawBufferPointer, into state: UInt64) -> UInt64 {
    var state = mix(state, UInt64(raw.count))
    var offset = 0
    while offset + 8 <= raw.count {
      state = mix(state, raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      offset += 8
    }
    var tail: UInt64 = 0
    while offset < raw.count {
      tail = tail << 8 | UInt64(raw[offset])
      offset += 1
    }
    return mix(state, tail)
  }
}
