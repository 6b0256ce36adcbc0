import OnlineStore

/// The rows of a batch's offline buffer that go online, as the online store reads them:
/// no second copy of a row is made for the online side.
struct OnlineRowsView: OnlineWriteColumns {
  let rows: OfflineRowBuffer
  /// Indices into `rows`, in processing order.
  let indices: [Int32]

  var count: Int { indices.count }
  /// The decoder checked every key and value against the group's schema.
  var isSchemaChecked: Bool { true }

  func order(at row: Int) -> OnlineWriteOrder { rows.order(at: Int(indices[row])) }
  func isDelete(at row: Int) -> Bool { rows.isDelete(at: Int(indices[row])) }
  func key(at row: Int, into key: inout [OnlineValue]) {
    rows.key(at: Int(indices[row]), into: &key)
  }
  func values(at row: Int, into values: inout [OnlineValue]) {
    rows.values(at: Int(indices[row]), into: &values)
  }

  /// The buffer's own arrays (the types are the group's, which the store's table mirrors).
  func columns(keyTypes: [OnlineColumnType], valueTypes: [OnlineColumnType]) -> OnlineColumns {
    rows.onlineColumns(rows: indices)
  }

}
