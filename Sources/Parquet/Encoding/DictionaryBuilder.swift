#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds a dictionary (distinct values in first-seen order) and per-value indices with an
/// open-addressing hash table, giving up as soon as the dictionary page would pass the
/// size limit so that high-cardinality columns fall back to PLAIN cheaply.
///
/// The table stores, per entry, only its hash and the position of its first occurrence in
/// the input; values are compared in place and copied out once at the end. All hot-loop
/// state lives in raw buffers so the loop does no reference counting or bounds checks.
enum DictionaryBuilder {
  struct Result {
    var indices: [UInt32]
    var dictionary: DenseValues
  }

  static func build(_ values: DenseValues, maxDictionaryBytes: Int) -> Result? {
    switch values {
    case .boolean: return nil
    case .int32(let values):
      return fixedWidth(values, maxDictionaryBytes) { UInt64(UInt32(bitPattern: $0)) }.map {
        Result(indices: $0.indices, dictionary: .int32($0.uniques))
      }
    case .int64(let values):
      return fixedWidth(values, maxDictionaryBytes) { UInt64(bitPattern: $0) }.map {
        Result(indices: $0.indices, dictionary: .int64($0.uniques))
      }
    case .double(let values):
      return fixedWidth(values, maxDictionaryBytes) { $0.bitPattern }.map {
        Result(indices: $0.indices, dictionary: .double($0.uniques))
      }
    case .byteArray(let values):
      return byteArrays(values, maxDictionaryBytes).map {
        Result(indices: $0.indices, dictionary: .byteArray($0.uniques))
      }
    }
  }

  private static func fixedWidth<T>(
    _ values: [T], _ maxBytes: Int, _ bits: (T) -> UInt64
  ) -> (indices: [UInt32], uniques: [T])? {
    let maxEntries = max(1, maxBytes / MemoryLayout<T>.size)
    var table = KeyTable(expectedEntries: min(values.count, maxEntries))
    defer { table.release() }
    var firstSeen: [Int] = []
    let indices = values.withUnsafeBufferPointer { source -> [UInt32]? in
      var complete = true
      let result = [UInt32](unsafeUninitializedCapacity: source.count) { target, initialized in
        var previousKey: UInt64?
        var previousEntry = 0
        for position in 0..<source.count {
          let key = bits(source[position])
          // Runs of one value (constant or sorted columns) skip the table.
          if key == previousKey {
            target[position] = UInt32(previousEntry)
            initialized = position + 1
            continue
          }
          let (entry, inserted) = table.findOrInsert(key)
          previousKey = key
          previousEntry = entry
          if inserted {
            if table.count > maxEntries {
              complete = false
              return
            }
            firstSeen.append(position)
          }
          target[position] = UInt32(entry)
          initialized = position + 1
        }
      }
      return complete ? result : nil
    }
    guard let indices else { return nil }
    return (indices, firstSeen.map { values[$0] })
  }

  private static func byteArrays(_ values: ByteArrayColumn, _ maxBytes: Int)
    -> (indices: [UInt32], uniques: ByteArrayColumn)?
  {
    var table = HashTable(expectedEntries: min(values.count, 1 << 16))
    defer { table.release() }
    var firstSeen: [Int] = []
    var dictionaryBytes = 0
    let indices = values.bytes.withUnsafeBytes { bytes in
      values.offsets.withUnsafeBufferPointer { offsets -> [UInt32]? in
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        var complete = true
        let result = [UInt32](unsafeUninitializedCapacity: values.count) { target, initialized in
          var previousStart = -1
          var previousLength = -1
          var previousEntry = 0
          for position in 0..<values.count {
            let start = Int(offsets[position])
            let length = Int(offsets[position + 1]) - start
            // Runs of one value (constant or sorted columns) skip hashing.
            if length == previousLength
              && (length == 0 || memcmp(base + start, base + previousStart, length) == 0)
            {
              target[position] = UInt32(previousEntry)
              initialized = position + 1
              continue
            }
            let hash = ByteHasher.hash(base + start, length)
            let (entry, inserted) = table.findOrInsert(hash: hash) { candidate in
              let other = firstSeen[candidate]
              let otherStart = Int(offsets[other])
              return Int(offsets[other + 1]) - otherStart == length
                && (length == 0 || memcmp(base + start, base + otherStart, length) == 0)
            }
            (previousStart, previousLength, previousEntry) = (start, length, entry)
            if inserted {
              dictionaryBytes += length + 4
              if dictionaryBytes > maxBytes {
                complete = false
                return
              }
              firstSeen.append(position)
            }
            target[position] = UInt32(entry)
            initialized = position + 1
          }
        }
        return complete ? result : nil
      }
    }
    guard let indices else { return nil }
    var uniques = ByteArrayColumn()
    uniques.reserveCapacity(values: firstSeen.count, bytes: dictionaryBytes)
    values.bytes.withUnsafeBytes { bytes in
      for position in firstSeen {
        let range = Int(values.offsets[position])..<Int(values.offsets[position + 1])
        uniques.append(UnsafeRawBufferPointer(rebasing: bytes[range]))
      }
    }
    return (indices, uniques)
  }
}

/// Open addressing with linear probing over manually managed buffers, for byte strings:
/// `slots` hold entry numbers (or -1), `hashes` each entry's hash; grows at half load.
struct HashTable {
  private var slots: UnsafeMutablePointer<Int32>
  private(set) var hashes: UnsafeMutablePointer<UInt64>
  private var hashCapacity: Int
  private var shift: UInt64
  private var mask: Int
  private(set) var count = 0

  init(expectedEntries: Int) {
    var logCapacity: UInt64 = 10
    while (1 << logCapacity) < expectedEntries * 2 { logCapacity += 1 }
    let capacity = 1 << Int(logCapacity)
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: -1, count: capacity)
    hashCapacity = capacity / 2
    hashes = .allocate(capacity: hashCapacity)
    shift = 64 - logCapacity
    mask = capacity - 1
  }

  func release() {
    slots.deallocate()
    hashes.deallocate()
  }

  @inline(__always)
  private func home(_ hash: UInt64) -> Int {
    Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The entry equal to the probe (`matches` compares an entry number), inserting a new
  /// entry when there is none.
  @inline(__always)
  mutating func findOrInsert(hash: UInt64, matches: (Int) -> Bool) -> (entry: Int, inserted: Bool) {
    var probe = home(hash)
    while true {
      let entry = Int(slots[probe])
      if entry < 0 { break }
      if hashes[entry] == hash && matches(entry) { return (entry, false) }
      probe = (probe + 1) & mask
    }
    let entry = count
    slots[probe] = Int32(entry)
    hashes[entry] = hash
    count += 1
    if count == hashCapacity { grow() }
    return (entry, true)
  }

  private mutating func grow() {
    let capacity = (mask + 1) * 2
    slots.deallocate()
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: -1, count: capacity)
    mask = capacity - 1
    shift -= 1
    let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 2)
    newHashes.update(from: hashes, count: count)
    hashes.deallocate()
    hashes = newHashes
    hashCapacity = capacity / 2
    for entry in 0..<count {
      var probe = home(hashes[entry])
      while slots[probe] >= 0 { probe = (probe + 1) & mask }
      slots[probe] = Int32(entry)
    }
  }
}

/// Open addressing for 64-bit keys (fixed-width values' bit patterns): each slot holds
/// the key next to its entry number, so a lookup touches one cache line.
struct KeyTable {
  private struct Slot {
    var key: UInt64
    var entry: Int32
  }

  private var slots: UnsafeMutablePointer<Slot>
  private var shift: UInt64
  private var mask: Int
  private(set) var count = 0

  init(expectedEntries: Int) {
    var logCapacity: UInt64 = 10
    while (1 << logCapacity) < expectedEntries * 2 { logCapacity += 1 }
    let capacity = 1 << Int(logCapacity)
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: Slot(key: 0, entry: -1), count: capacity)
    shift = 64 - logCapacity
    mask = capacity - 1
  }

  func release() { slots.deallocate() }

  @inline(__always)
  private func home(_ key: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The entry number of `key`, inserting it as the next entry when absent.
  @inline(__always)
  mutating func findOrInsert(_ key: UInt64) -> (entry: Int, inserted: Bool) {
    var probe = home(key)
    while true {
      let slot = slots[probe]
      if slot.entry < 0 { break }
      if slot.key == key { return (Int(slot.entry), false) }
      probe = (probe + 1) & mask
    }
    let entry = count
    slots[probe] = Slot(key: key, entry: Int32(entry))
    count += 1
    if count * 2 > mask + 1 { grow() }
    return (entry, true)
  }

  private mutating func grow() {
    let oldSlots = slots
    let oldCapacity = mask + 1
    let capacity = oldCapacity * 2
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: Slot(key: 0, entry: -1), count: capacity)
    mask = capacity - 1
    shift -= 1
    for index in 0..<oldCapacity where oldSlots[index].entry >= 0 {
      var probe = home(oldSlots[index].key)
      while slots[probe].entry >= 0 { probe = (probe + 1) & mask }
      slots[probe] = oldSlots[index]
    }
    oldSlots.deallocate()
  }
}

/// A fast non-cryptographic hash of byte strings for the dictionary table.
enum ByteHasher {
  @inline(__always)
  static func hash(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
    let multiplier: UInt64 = 0xFF51_AFD7_ED55_8CCD
    var hash: UInt64 = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
    var position = 0
    while position + 8 <= count {
      let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
      hash = (hash ^ word) &* multiplier
      hash ^= hash >> 32
      position += 8
    }
    if position < count {
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while position < count {
        tail |= UInt64(bytes.load(fromByteOffset: position, as: UInt8.self)) << shift
        shift += 8
        position += 1
      }
      hash = (hash ^ tail) &* multiplier
    }
    hash ^= hash >> 33
    hash = hash &* 0xC4CE_B9FE_1A85_EC53
    hash ^= hash >> 29
    return hash
  }
}
