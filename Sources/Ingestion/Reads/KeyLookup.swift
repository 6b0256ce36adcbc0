import Delta
import Foundation
import OnlineStore
import Parquet

/// The rows of a few entities of one group, read from a table's data files by statistics:
/// what `offline latest`, `offline history` and a look-up of few keys read instead of whole
/// files.
///
/// A file is skipped when its primary-key statistics rule out every key; in a kept file, so
/// is each row group whose own statistics do. Of the other row groups only the key columns
/// are decoded first, and the rest only when some row has one of the keys; then only those
/// rows are kept. A table that `maintenance optimize` sorted by key holds each key in one or
/// two row groups, so a look-up decodes a few row groups of a few files, not the table, and
/// never holds more than one row group's columns beyond the rows it returns.
///
/// Keys are matched by their bytes, as the online store compares them (`EntitySlots`), so
/// the answer is the one a full scan comparing every row would give.
struct KeyLookup {
  let group: FeatureGroup
  private var keys: EntitySlots
  /// The keys' values of the first key column; nil when its type has no statistics to
  /// compare (then nothing is skipped).
  private let predicate: ScanPredicate?
  /// Row groups whose key columns were decoded (the others were skipped by statistics).
  private(set) var rowGroupsDecoded = 0

  init(keys: [[OnlineValue]], group: FeatureGroup) {
    self.group = group
    var slots = EntitySlots(expectedCount: keys.count)
    for key in keys { _ = slots.slot(for: key) }
    self.keys = slots
    predicate = Self.keyPredicate(keys, group: group)
  }

  /// Whether `file`'s statistics allow a row of one of the keys.
  func mightHold(_ file: AddFile, schema: DeltaSchema) -> Bool {
    predicate?.mightMatch(file, schema: schema) ?? true
  }

  /// Of `file`, the columns `names` (key columns included or not) of only the rows whose key
  /// is one of the keys, in file order; nil when no row has one.
  mutating func columns(
    of file: AddFile, table: DeltaTable, snapshot: Snapshot, names: [String]
  ) throws -> [String: ParquetColumnValues]? {
    guard mightHold(file, schema: snapshot.schema) else { return nil }
    let rowGroups = try table.rowGroups(of: file, snapshot: snapshot)
    let keyNames = group.keyFeatures.map(\.name)
    let otherNames = names.filter { !keyNames.contains($0) }
    var pieces: [[String: ParquetColumnValues]] = []
    for rowGroup in 0..<rowGroups.count {
      if let predicate, !rowGroups.mightMatch(rowGroup, predicate) {
        continue
      }
      let keyColumns = try rowGroups.read(rowGroup, columns: keyNames)
      rowGroupsDecoded += 1
      let rows = matchingRows(keyColumns, count: rowGroups.rowCount(of: rowGroup))
      if rows.isEmpty { continue }
      var piece: [String: ParquetColumnValues] = [:]
      let positions = rows.map { (batch: 0, row: $0) }
      for (name, column) in zip(keyNames, keyColumns) {
        piece[name] = ColumnOrder.gather([column], positions)
      }
      for (name, column) in zip(otherNames, try rowGroups.read(rowGroup, columns: otherNames)) {
        piece[name] = ColumnOrder.gather([column], positions)
      }
      pieces.append(piece)
    }
    guard !pieces.isEmpty else { return nil }
    if pieces.count == 1 { return pieces[0] }
    var positions: [(batch: Int, row: Int)] = []
    for (index, piece) in pieces.enumerated() {
      let count = piece[keyNames[0]]?.count ?? 0
      positions += (0..<count).map { (batch: index, row: $0) }
    }
    var columns: [String: ParquetColumnValues] = [:]
    for name in keyNames + otherNames {
      columns[name] = ColumnOrder.gather(pieces.map { $0[name]! }, positions)
    }
    return columns
  }

  /// The rows of a row group whose key is one of the keys.
  private mutating func matchingRows(_ keyColumns: [ParquetColumnValues], count: Int) -> [Int] {
    var rows: [Int] = []
    // One string key column (the common case) is matched straight from the column's bytes;
    // other keys through the values the online store would hold.
    if keyColumns.count == 1, group.keyFeatures[0].type == .string,
      case .byteArray(let strings, let validity) = keyColumns[0]
    {
      strings.bytes.withUnsafeBufferPointer { bytes in
        strings.offsets.withUnsafeBufferPointer { offsets in
          // Rows of one entity sit together in a sorted file: a row with the key of the row
          // before it has the same answer, found with one comparison instead of a hash probe.
          var previous: UnsafeBufferPointer<UInt8>? = nil
          var previousFound = false
          for row in 0..<count {
            let isNull = validity.map { !$0[row] } ?? false
            let value = UnsafeBufferPointer(
              rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
            let found: Bool
            if !isNull, let previous, Self.sameBytes(previous, value) {
              found = previousFound
            } else {
              found =
                keys.existingSlot { encoding in
                  if isNull { return encoding.append(0) }
                  EntitySlots.appendEncodedString(utf8: value, to: &encoding)
                } != nil
            }
            previous = isNull ? nil : value
            previousFound = found
            if found { rows.append(row) }
          }
        }
      }
      return rows
    }
    let types = group.keyFeatures.map(\.type)
    for row in 0..<count {
      let found = keys.existingSlot { encoding in
        for (column, type) in zip(keyColumns, types) {
          EntitySlots.appendEncoded(OfflineRowReader.value(column, type, row), to: &encoding)
        }
      }
      if found != nil { rows.append(row) }
    }
    return rows
  }

  private static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>)
    -> Bool
  {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
  }

  /// "The first key column is one of the keys' values"; nil when a key value has no scalar
  /// statistics compare.
  static func keyPredicate(_ keys: [[OnlineValue]], group: FeatureGroup) -> ScanPredicate? {
    guard let column = group.keyFeatures.first?.name else { return nil }
    var values: [DeltaScalar] = []
    for key in keys {
      switch key.first {
      case .bigint(let value): values.append(.long(value))
      case .string(let value): values.append(.string(value))
      case .timestamp(let value): values.append(.timestamp(value))
      default: return nil
      }
    }
    return .oneOf(column, values)
  }
}
