/// A feature group prepared for decoding: column lookup by raw name bytes, column types in
/// slot order, and the canonical layout. Built once per group when the decoder is created.
final class GroupSchema: Sendable {
  let index: Int
  let group: FeatureGroup
  let nameBytes: [UInt8]
  let keyTypes: [FeatureType]
  let valueTypes: [FeatureType]
  let columns: ColumnTable
  let layout: CanonicalLayout
  /// Declaration index of the first primary-key column and of the first other feature: where
  /// the lookup of the first member of `key` and of `values` is tried first.
  let firstKeyColumn: Int
  let firstValueColumn: Int

  init(index: Int, group: FeatureGroup) {
    self.index = index
    self.group = group
    nameBytes = Array(group.name.utf8)
    keyTypes = group.keyFeatures.map(\.type)
    valueTypes = group.valueFeatures.map(\.type)
    let keyColumns = group.primaryKey
    var columnsInOrder: [ColumnTable.Column] = []
    var nextValueSlot = 0
    for feature in group.features {
      if let keySlot = keyColumns.firstIndex(of: feature.name) {
        columnsInOrder.append(.init(isKey: true, slot: keySlot, type: feature.type))
      } else {
        columnsInOrder.append(.init(isKey: false, slot: nextValueSlot, type: feature.type))
        nextValueSlot += 1
      }
    }
    columns = ColumnTable(names: group.features.map(\.name), columns: columnsInOrder)
    layout = CanonicalLayout(group: group)
    firstKeyColumn = columnsInOrder.firstIndex { $0.isKey } ?? 0
    firstValueColumn = columnsInOrder.firstIndex { !$0.isKey } ?? 0
  }
}

/// Finds a column by its name bytes without creating a String: first at a hinted index (JSON
/// members usually follow the declaration order), then through an open-addressing hash table.
struct ColumnTable: Sendable {
  struct Column: Sendable {
    let isKey: Bool
    /// Index into `FeatureWrite.key` or `FeatureWrite.values`.
    let slot: Int
    let type: FeatureType
  }

  let columns: [Column]
  let names: [String]
  private let nameBytes: [UInt8]
  private let nameOffsets: [Int]
  private let buckets: [Int32]
  private let bucketMask: Int

  init(names: [String], columns: [Column]) {
    self.columns = columns
    self.names = names
    var bytes: [UInt8] = []
    var offsets = [0]
    for name in names {
      bytes.append(contentsOf: name.utf8)
      offsets.append(bytes.count)
    }
    nameBytes = bytes
    nameOffsets = offsets
    var capacity = 8
    while capacity < names.count * 2 { capacity *= 2 }
    var table = [Int32](repeating: -1, count: capacity)
    for (index, name) in names.enumerated() {
      var bucket =
        Array(name.utf8).withUnsafeBufferPointer { Int(ColumnTable.hash($0)) } & (capacity - 1)
      while table[bucket] >= 0 { bucket = (bucket + 1) & (capacity - 1) }
      table[bucket] = Int32(index)
    }
    buckets = table
    bucketMask = capacity - 1
  }

  /// FNV-1a over the name: cheap for the short identifiers column names are.
  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var hash: UInt32 = 0x811C_9DC5
    for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
    return hash
  }

  @inline(__always)
  private func nameEquals(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    nameBytes.withUnsafeBufferPointer { stored in
      let start = nameOffsets[index]
      let length = nameOffsets[index + 1] - start
      guard length == bytes.count else { return false }
      guard length > 0 else { return true }
      return memoryEquals(stored.baseAddress! + start, bytes.baseAddress!, length)
    }
  }

  /// The declaration index of the column named `bytes`, trying `hint` first.
  @inline(__always)
  func find(_ bytes: UnsafeBufferPointer<UInt8>, hint: Int) -> Int? {
    if hint < columns.count && nameEquals(hint, bytes) { return hint }
    var bucket = Int(ColumnTable.hash(bytes)) & bucketMask
    while true {
      let candidate = Int(buckets[bucket])
      if candidate < 0 { return nil }
      if nameEquals(candidate, bytes) { return candidate }
      bucket = (bucket + 1) & bucketMask
    }
  }
}

/// Byte-wise equality of two memory ranges of `count` bytes.
@inline(__always)
func memoryEquals(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool
{
  var index = 0
  while index + 8 <= count {
    let a = UnsafeRawPointer(left).loadUnaligned(fromByteOffset: index, as: UInt64.self)
    let b = UnsafeRawPointer(right).loadUnaligned(fromByteOffset: index, as: UInt64.self)
    if a != b { return false }
    index += 8
  }
  while index < count {
    if left[index] != right[index] { return false }
    index += 1
  }
  return true
}

/// Which columns of a group an object has named so far, to reject a name given twice.
struct ColumnSet {
  private var low: UInt64 = 0
  private var high: [UInt64] = []

  /// Adds `index`; false when it was already present.
  @inline(__always)
  mutating func insert(_ index: Int) -> Bool {
    if index < 64 {
      let bit: UInt64 = 1 << UInt64(index)
      if low & bit != 0 { return false }
      low |= bit
      return true
    }
    let word = index / 64 - 1
    if high.count <= word {
      high.append(contentsOf: repeatElement(0, count: word + 1 - high.count))
    }
    let bit: UInt64 = 1 << UInt64(index % 64)
    if high[word] & bit != 0 { return false }
    high[word] |= bit
    return true
  }
}
