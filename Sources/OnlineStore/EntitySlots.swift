#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Numbers the distinct entities of a batch (slot 0, 1, … in first-seen order).
///
/// A hand-rolled open-addressing table instead of `Dictionary<[OnlineValue], Int>`, for two
/// reasons. Correctness: Swift compares strings by Unicode canonical equivalence, so
/// "é" and "e\u{301}" would be one entity here but two primary keys in SQLite, which
/// compares bytes; this table hashes and compares an encoding of the key's bytes, as
/// SQLite does. Speed: the lookup is bound by memory latency, so each key is encoded once
/// into a reused buffer and compared against a contiguous arena of the stored encodings,
/// instead of chasing the pointers of two arrays of enums; buckets are 8 bytes.
public struct EntitySlots {
  /// The keys' encodings, back to back (the keys themselves are not kept: a cache of a
  /// million entities would spend 80 MB on them); slot `s` spans `arenaEnds[s-1]..<arenaEnds[s]`.
  private var arena: [UInt8] = []
  private var arenaEnds: [Int] = []
  /// Per bucket: the hash's upper 32 bits, then slot + 1 in the lower 32 (0: empty).
  private var buckets: [UInt64]
  private var mask: Int
  private var scratch: [UInt8] = []

  private static let seed = UInt64.random(in: .min ... .max)

  public init(expectedCount: Int) {
    var capacity = 16
    while capacity < expectedCount * 2 { capacity <<= 1 }
    buckets = [UInt64](repeating: 0, count: capacity)
    mask = capacity - 1
    arenaEnds.reserveCapacity(expectedCount)
    arena.reserveCapacity(expectedCount * 16)
    scratch.reserveCapacity(64)
  }

  public var count: Int { arenaEnds.count }

  /// The slot of `key`, adding it when new.
  public mutating func slot(for key: [OnlineValue]) -> Int {
    Self.encode(key, into: &scratch)
    return slotOfScratch()
  }

  /// The slot of the key `encode` writes (in `encode(_:into:)`'s encoding, into an empty
  /// buffer), adding it when new: a batch's keys are encoded straight from its columns.
  mutating func slot(encodedBy encode: (inout [UInt8]) -> Void) -> Int {
    encode(&scratch)
    return slotOfScratch()
  }

  /// The slot of `key` if it has one; nothing is added (a look-up of keys that may be
  /// absent, such as a join's entity rows, should not grow the table).
  public mutating func existingSlot(for key: [OnlineValue]) -> Int? {
    Self.encode(key, into: &scratch)
    return probeScratch().slot
  }

  /// The slot of the key `encode` writes into an empty buffer, value by value with
  /// `appendEncoded`, if it has one: a scan of stored rows looks its keys up straight from
  /// their columns' bytes, without building a `String` per row.
  public mutating func existingSlot(encodedBy encode: (inout [UInt8]) -> Void) -> Int? {
    scratch.removeAll(keepingCapacity: true)
    encode(&scratch)
    return probeScratch().slot
  }

  private mutating func slotOfScratch() -> Int {
    let (index, tag, found) = probeScratch()
    if let found { return found }
    let slot = arenaEnds.count
    arena.append(contentsOf: scratch)
    arenaEnds.append(arena.count)
    buckets[index] = tag << 32 | UInt64(slot + 1)
    if arenaEnds.count * 2 > buckets.count { grow() }
    return slot
  }

  /// The slot holding the key in `scratch`, or the empty bucket where it would go.
  private func probeScratch() -> (index: Int, tag: UInt64, slot: Int?) {
    let hash = scratch.withUnsafeBytes { Self.hashBytes($0, into: Self.seed) }
    let tag = hash >> 32
    var index = Int(truncatingIfNeeded: hash) & mask
    while true {
      let bucket = buckets[index]
      if bucket == 0 { return (index, tag, nil) }
      if bucket >> 32 == tag {
        let slot = Int(truncatingIfNeeded: bucket & 0xFFFF_FFFF) - 1
        if storedEncodingEqualsScratch(slot) { return (index, tag, slot) }
      }
      index = (index + 1) & mask
    }
  }

  /// A number that orders slots as `precedes` does wherever two numbers differ (equal
  /// numbers say nothing): the first key column's first 8 bytes, or its value. Sorting by it
  /// first leaves `precedes` only the ties, for keys of one table (one key type).
  public func sortKey(_ slot: Int) -> UInt64 {
    arena.withUnsafeBytes { bytes in
      let start = slot == 0 ? 0 : arenaEnds[slot - 1]
      let tag = bytes[start]
      if tag == 0 { return 0 }
      let word = UInt64(
        littleEndian: bytes.loadUnaligned(fromByteOffset: start + 1, as: UInt64.self))
      switch tag {
      case 3:
        let length = min(Int(word), 8)
        var leading: UInt64 = 0
        for index in 0..<8 {
          leading = leading << 8 | (index < length ? UInt64(bytes[start + 9 + index]) : 0)
        }
        return leading
      case 1, 5: return word ^ (1 << 63)
      default: return word
      }
    }
  }

  /// Whether slot `a`'s key sorts before slot `b`'s by the first key column, as SQLite
  /// orders it (strings byte by byte, integers by value). The apply writes a batch's
  /// entities in this order so that consecutive B-tree descents share pages; nothing but
  /// locality depends on it.
  public func precedes(_ a: Int, _ b: Int) -> Bool {
    arena.withUnsafeBytes { bytes in
      let startA = a == 0 ? 0 : arenaEnds[a - 1]
      let startB = b == 0 ? 0 : arenaEnds[b - 1]
      let tagA = bytes[startA]
      let tagB = bytes[startB]
      if tagA != tagB { return tagA < tagB }
      if tagA == 0 { return false }
      let wordA = bytes.loadUnaligned(fromByteOffset: startA + 1, as: UInt64.self)
      let wordB = bytes.loadUnaligned(fromByteOffset: startB + 1, as: UInt64.self)
      switch tagA {
      case 3:
        let lengthA = Int(UInt64(littleEndian: wordA))
        let lengthB = Int(UInt64(littleEndian: wordB))
        let order = memcmp(
          bytes.baseAddress! + startA + 9, bytes.baseAddress! + startB + 9, min(lengthA, lengthB))
        return order != 0 ? order < 0 : lengthA < lengthB
      case 1, 5:
        return Int64(bitPattern: UInt64(littleEndian: wordA))
          < Int64(bitPattern: UInt64(littleEndian: wordB))
      default:
        return UInt64(littleEndian: wordA) < UInt64(littleEndian: wordB)
      }
    }
  }

  private func storedEncodingEqualsScratch(_ slot: Int) -> Bool {
    let start = slot == 0 ? 0 : arenaEnds[slot - 1]
    let length = arenaEnds[slot] - start
    guard length == scratch.count else { return false }
    return arena.withUnsafeBytes { stored in
      scratch.withUnsafeBytes { probe in
        memcmp(stored.baseAddress! + start, probe.baseAddress!, length) == 0
      }
    }
  }

  private mutating func grow() {
    let old = buckets
    buckets = [UInt64](repeating: 0, count: old.count * 2)
    mask = buckets.count - 1
    for bucket in old where bucket != 0 {
      // The bucket keeps only the upper half of the hash, so rehash the stored encoding.
      let slot = Int(truncatingIfNeeded: bucket & 0xFFFF_FFFF) - 1
      let start = slot == 0 ? 0 : arenaEnds[slot - 1]
      let hash = arena.withUnsafeBytes {
        Self.hashBytes(
          UnsafeRawBufferPointer(rebasing: $0[start..<arenaEnds[slot]]), into: Self.seed)
      }
      var index = Int(truncatingIfNeeded: hash) & mask
      while buckets[index] != 0 { index = (index + 1) & mask }
      buckets[index] = bucket
    }
  }

  /// Equality as SQLite's primary key sees it: strings byte for byte, numbers by value.
  static func sameKey(_ lhs: [OnlineValue], _ rhs: [OnlineValue]) -> Bool {
    var left: [UInt8] = []
    var right: [UInt8] = []
    encode(lhs, into: &left)
    encode(rhs, into: &right)
    return left == right
  }

  static func hash(_ key: [OnlineValue]) -> UInt64 {
    var bytes: [UInt8] = []
    encode(key, into: &bytes)
    return bytes.withUnsafeBytes { hashBytes($0, into: seed) }
  }

  /// A byte encoding that is equal exactly when SQLite sees equal keys: a type tag, then
  /// the value (strings with their UTF-8 length, 0.0 and -0.0 alike).
  static func encode(_ key: [OnlineValue], into bytes: inout [UInt8]) {
    bytes.removeAll(keepingCapacity: true)
    for value in key { appendEncoded(value, to: &bytes) }
  }

  /// Appends one key value's encoding (see `encode(_:into:)`).
  public static func appendEncoded(_ value: OnlineValue, to bytes: inout [UInt8]) {
    switch value {
    case .null: bytes.append(0)
    case .bigint(let number): append(tag: 1, UInt64(bitPattern: number), to: &bytes)
    case .double(let number): append(tag: 2, number == 0 ? 0 : number.bitPattern, to: &bytes)
    case .string(let text):
      var text = text
      text.withUTF8 { appendEncodedString(utf8: $0, to: &bytes) }
    case .boolean(let flag): append(tag: 4, flag ? 1 : 0, to: &bytes)
    case .timestamp(let micros): append(tag: 5, UInt64(bitPattern: micros), to: &bytes)
    }
  }

  /// Appends the encoding of a string key value given as its UTF-8 bytes.
  public static func appendEncodedString(utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8])
  {
    append(tag: 3, UInt64(utf8.count), to: &bytes)
    bytes.append(contentsOf: utf8)
  }

  static func append(tag: UInt8, _ word: UInt64, to bytes: inout [UInt8]) {
    bytes.append(tag)
    withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
  }

  private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
    var mixed = (state ^ word) &* 0xBF58_476D_1CE4_E5B9
    mixed ^= mixed >> 31
    return mixed &* 0x94D0_49BB_1331_11EB
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
