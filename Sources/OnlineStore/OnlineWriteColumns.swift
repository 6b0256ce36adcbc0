/// A group's writes for one batch, read row by row and cell by cell by the apply.
///
/// The ingestion batch already holds its accepted rows column by column for the offline
/// table; this lets the online store read them there instead of from one `OnlineWrite`
/// (two arrays) per row, which for a 150,000-row batch is about 45 MB held twice over
/// (one batch committing, the next being decided). `[OnlineWrite]` conforms as well.
///
/// Rows are in processing order; the filling methods reuse the caller's arrays, so that
/// reading a row allocates nothing.
public protocol OnlineWriteColumns: Sendable {
  var count: Int { get }
  /// True when every row was already checked against this group's schema (keys present and
  /// typed, values typed) by whoever built the rows; the apply then skips its own check.
  var isSchemaChecked: Bool { get }
  func order(at row: Int) -> OnlineWriteOrder
  func isDelete(at row: Int) -> Bool
  /// Replaces `key`'s contents with the row's primary-key values.
  func key(at row: Int, into key: inout [OnlineValue])
  /// Replaces `values`' contents with the row's feature values (ignored for a delete).
  func values(at row: Int, into values: inout [OnlineValue])
  /// The writes as columns of the given types, for the apply (values fit them, checked or
  /// trusted). A conformer that holds columns hands its arrays over; the default copies.
  func columns(keyTypes: [OnlineColumnType], valueTypes: [OnlineColumnType]) -> OnlineColumns
}

extension OnlineWriteColumns {
  public var isSchemaChecked: Bool { false }

  public func columns(keyTypes: [OnlineColumnType], valueTypes: [OnlineColumnType])
    -> OnlineColumns
  {
    OnlineColumns(rowsOf: self, keyTypes: keyTypes, valueTypes: valueTypes)
  }
}

extension Array: OnlineWriteColumns where Element == OnlineWrite {
  public func order(at row: Int) -> OnlineWriteOrder { self[row].order }
  public func isDelete(at row: Int) -> Bool { self[row].operation == .delete }
  public func key(at row: Int, into key: inout [OnlineValue]) { key = self[row].key }
  public func values(at row: Int, into values: inout [OnlineValue]) { values = self[row].values }
}
