#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds a dictionary (distinct values in first-seen order) and per-value indices with
/// open-addressing hash tables, giving up as soon as the dictionary page would pass the
/// size limit so that high-cardinality columns fall back to PLAIN cheaply.
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

  @inline(__always)
  private static func slot(_ hash: UInt64, shift: UInt64) -> Int {
    Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  private static func fixedWidth<T>(
    _ values: [T], _ maxBytes: Int, _ key: (T) -> UInt64
  ) -> (indices: [UInt32], uniques: [T])? {
    let maxUniques = max(1, maxBytes / MemoryLayout<T>.size)
    var logCapacity: UInt64 = 10
    var slots = [Int32](repeating: -1, count: 1 << logCapacity)
    var keys: [UInt64] = []
    var uniques: [T] = []
    var indices = [UInt32](repeating: 0, count: values.count)
    let completed = values.withUnsafeBufferPointer { source -> Bool in
      indices.withUnsafeMutableBufferPointer { target -> Bool in
        for position in 0..<source.count {
          let value = source[position]
          let hashKey = key(value)
          var probe = slot(hashKey, shift: 64 - logCapacity)
          let mask = (1 << Int(logCapacity)) - 1
          while true {
            let entry = slots[probe]
            if entry < 0 {
              if uniques.count >= maxUniques { return false }
              let newIndex = Int32(uniques.count)
              slots[probe] = newIndex
              keys.append(hashKey)
              uniques.append(value)
              target[position] = UInt32(newIndex)
              if uniques.count * 2 > slots.count {
                logCapacity += 1
                slots = rehash(keys, logCapacity: logCapacity) { $0 }
              }
              break
            }
            if keys[Int(entry)] == hashKey {
              target[position] = UInt32(entry)
              break
            }
            probe = (probe + 1) & mask
          }
        }
        return true
      }
    }
    return completed ? (indices, uniques) : nil
  }

  private static func rehash(_ hashes: [UInt64], logCapacity: UInt64, _ key: (UInt64) -> UInt64)
    -> [Int32]
  {
    var slots = [Int32](repeating: -1, count: 1 << logCapacity)
    let mask = slots.count - 1
    for (index, hash) in hashes.enumerated() {
      var probe = slot(key(hash), shift: 64 - logCapacity)
      while slots[probe] >= 0 { probe = (probe + 1) & mask }
      slots[probe] = Int32(index)
    }
    return slots
  }

  private static func byteArrays(_ values: ByteArrayColumn, _ maxBytes: Int)
    -> (indices: [UInt32], uniques: ByteArrayColumn)?
  {
    var logCapacity: UInt64 = 10
    var slots = [Int32](repeating: -1, count: 1 << logCapacity)
    var hashes: [UInt64] = []
    var uniques = ByteArrayColumn()
    var dictionaryBytes = 0
    var indices = [UInt32](repeating: 0, count: values.count)
    let completed = values.bytes.withUnsafeBytes { bytes -> Bool in
      values.offsets.withUnsafeBufferPointer { offsets -> Bool in
        indices.withUnsafeMutableBufferPointer { target -> Bool in
          for position in 0..<values.count {
            let start = Int(offsets[position])
            let length = Int(offsets[position + 1]) - start
            let value = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
            let hash = ByteHasher.hash(value)
            var probe = slot(hash, shift: 64 - logCapacity)
            let mask = (1 << Int(logCapacity)) - 1
            while true {
              let entry = Int(slots[probe])
              if entry < 0 {
                dictionaryBytes += length + 4
                if dictionaryBytes > maxBytes { return false }
                slots[probe] = Int32(hashes.count)
                target[position] = UInt32(hashes.count)
                hashes.append(hash)
                uniques.append(value)
                if hashes.count * 2 > slots.count {
                  logCapacity += 1
                  slots = rehash(hashes, logCapacity: logCapacity) { $0 }
                }
                break
              }
              if hashes[entry] == hash && uniques.equals(entry, value) {
                target[position] = UInt32(entry)
                break
              }
              probe = (probe + 1) & mask
            }
          }
          return true
        }
      }
    }
    return completed ? (indices, uniques) : nil
  }
}

extension ByteArrayColumn {
  /// Whether value `index` has exactly the bytes `other`.
  @inline(__always)
  func equals(_ index: Int, _ other: UnsafeRawBufferPointer) -> Bool {
    let start = Int(offsets[index])
    let length = Int(offsets[index + 1]) - start
    guard length == other.count else { return false }
    if length == 0 { return true }
    return bytes.withUnsafeBytes { mine in
      memcmp(mine.baseAddress! + start, other.baseAddress!, length) == 0
    }
  }
}

/// A fast non-cryptographic hash of byte strings for the dictionary tables.
enum ByteHasher {
  @inline(__always)
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let multiplier: UInt64 = 0xFF51_AFD7_ED55_8CCD
    var hash: UInt64 = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
    var position = 0
    let count = bytes.count
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
        tail |= UInt64(bytes[position]) << shift
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
