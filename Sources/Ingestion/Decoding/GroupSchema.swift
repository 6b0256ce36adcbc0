/// A feature group prepared for decoding: column lookup by raw name bytes, column types in
/// slot order, and the canonical layout. Built once per group when the decoder is created.
///
/// The lookup tables live in raw memory owned by this object (written in `init`, freed in
/// `deinit`, never changed in between), so that the per-record path reads them without any
/// reference counting. That immutability is also why the class is `@unchecked Sendable`.
final class GroupSchema: @unchecked Sendable {
  /// What the decoder needs to know about one column.
  struct Column {
    let isKey: Bool
    let type: FeatureType
    /// Index into `FeatureWrite.key` or `FeatureWrite.values`.
    let slot: Int
    let nameStart: Int
    let nameLength: Int
  }

  let index: Int
  let group: FeatureGroup
  let name: String
  let nameBytes: [UInt8]
  let keyCount: Int
  let valueCount: Int
  let layout: CanonicalLayout
  /// Declaration index of the first primary-key column and of the first other feature: where
  /// the lookup of the first member of `key` and of `values` is tried first.
  let firstKeyColumn: Int
  let firstValueColumn: Int

  /// Columns in declaration order.
  let columns: UnsafeMutableBufferPointer<Column>
  private let names: UnsafeMutableBufferPointer<UInt8>
  private let buckets: UnsafeMutableBufferPointer<Int32>
  private let bucketMask: Int

  init(index: Int, group: FeatureGroup) {
    self.index = index
    self.group = group
    name = group.name
    nameBytes = Array(group.name.utf8)
    keyCount = group.primaryKey.count
    valueCount = group.features.count - group.primaryKey.count
    layout = CanonicalLayout(group: group)

    var allNames: [UInt8] = []
    var columnList: [Column] = []
    var nextValueSlot = 0
    for feature in group.features {
      let start = allNames.count
      allNames.append(contentsOf: feature.name.utf8)
      if let keySlot = group.primaryKey.firstIndex(of: feature.name) {
        columnList.append(
          Column(
            isKey: true, type: feature.type, slot: keySlot, nameStart: start,
            nameLength: allNames.count - start))
      } else {
        columnList.append(
          Column(
            isKey: false, type: feature.type, slot: nextValueSlot, nameStart: start,
            nameLength: allNames.count - start))
        nextValueSlot += 1
      }
    }
    firstKeyColumn = columnList.firstIndex { $0.isKey } ?? 0
    firstValueColumn = columnList.firstIndex { !$0.isKey } ?? 0
    columns = .allocate(capacity: columnList.count)
    _ = columns.initialize(from: columnList)
    names = .allocate(capacity: max(1, allNames.count))
    _ = names.initialize(from: allNames)

    var capacity = 8
    while capacity < columnList.count * 2 { capacity *= 2 }
    buckets = .allocate(capacity: capacity)
    buckets.initialize(repeating: -1)
    bucketMask = capacity - 1
    for (position, column) in columnList.enumerated() {
      let nameBuffer = UnsafeBufferPointer(
        rebasing: names[column.nameStart..<(column.nameStart + column.nameLength)])
      var bucket = Int(GroupSchema.hash(nameBuffer)) & bucketMask
      while buckets[bucket] >= 0 { bucket = (bucket + 1) & bucketMask }
      buckets[bucket] = Int32(position)
    }
  }

  deinit {
    columns.deallocate()
    names.deallocate()
    buckets.deallocate()
  }

  /// FNV-1a over the name: cheap for the short identifiers column names are.
  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var hash: UInt32 = 0x811C_9DC5
    for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
    return hash
  }

  @inline(__always)
  private func nameEquals(_ position: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let column = columns[position]
    guard column.nameLength == bytes.count else { return false }
    guard column.nameLength > 0 else { return true }
    return memoryEquals(
      names.baseAddress! + column.nameStart, bytes.baseAddress!, column.nameLength)
  }

  /// When the `available` bytes at `text` start with the name of column `position` and a
  /// closing quote, the name's length; otherwise nil. Names are identifiers, so an exact
  /// match needs no escape or UTF-8 handling.
  @inline(__always)
  func matchName(at text: UnsafePointer<UInt8>, available: Int, column position: Int) -> Int? {
    guard position < columns.count else { return nil }
    let column = columns[position]
    guard column.nameLength < available, text[column.nameLength] == 0x22,
      memoryEquals(names.baseAddress! + column.nameStart, text, column.nameLength)
    else { return nil }
    return column.nameLength
  }

  /// The declaration index of the column named `bytes`, trying `hint` first (JSON members
  /// usually follow the declaration order), then the open-addressing hash table.
  @inline(__always)
  func find(_ bytes: UnsafeBufferPointer<UInt8>, hint: Int) -> Int? {
    if hint < columns.count && nameEquals(hint, bytes) { return hint }
    var bucket = Int(GroupSchema.hash(bytes)) & bucketMask
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

/// Which columns of a group an object has named so far, to reject a name given twice. The
/// first 64 columns live in one word; wider groups spill into an array allocated on demand.
struct ColumnSet {
  private var low: UInt64 = 0
  private var high: [UInt64]? = nil

  /// Adds `index`; false when it was already present.
  @inline(__always)
  mutating func insert(_ index: Int) -> Bool {
    if index < 64 {
      let bit: UInt64 = 1 << UInt64(index)
      if low & bit != 0 { return false }
      low |= bit
      return true
    }
    return insertHigh(index)
  }

  private mutating func insertHigh(_ index: Int) -> Bool {
    let word = index / 64 - 1
    if high == nil { high = [] }
    if high!.count <= word {
      high!.append(contentsOf: repeatElement(0, count: word + 1 - high!.count))
    }
    let bit: UInt64 = 1 << UInt64(index % 64)
    if high![word] & bit != 0 { return false }
    high![word] |= bit
    return true
  }
}
