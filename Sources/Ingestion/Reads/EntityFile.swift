import Foundation
import Parquet

/// The entities file of an `offline join`: one row per training example, with the primary-key
/// columns of every joined group, `event_time`, and any other columns (labels), read in
/// batches so that memory holds one batch of rows, never the file.
///
/// Parquet keeps its columns as they are. CSV (with a header line) and JSON lines have no
/// types, so a first pass gives each column the narrowest type that holds all its values —
/// bigint, then double, boolean, or string — except the key columns, which take their
/// group's key type, and `event_time`, a timestamp. Types are fixed for the whole file
/// before the first batch: a per-batch guess could change from one row group to the next.
struct EntityFile {
  enum Format: String {
    case parquet, csv
    case jsonLines = "json lines"
  }

  let path: String
  let format: Format
  /// The columns as the output carries them, in the file's order.
  let fields: [ParquetField]
  /// Per column, the type CSV and JSON cells are read as (nil for Parquet).
  private let cellTypes: [FeatureType]
  private let parquet: ParquetReader?

  /// Opens `path` (its format from the extension: `.parquet`, `.csv`, `.json`/`.jsonl`/
  /// `.ndjson`), fixing `columnTypes` (key columns, `event_time`) where the file has none.
  init(path: String, columnTypes: [String: FeatureType]) throws {
    self.path = path
    let suffix = (path as NSString).pathExtension.lowercased()
    switch suffix {
    case "parquet":
      format = .parquet
      let reader = try ParquetReader(path: path)
      guard reader.schema.isFlat else {
        throw ToolError.badEntities(path, "nested Parquet columns are not supported")
      }
      parquet = reader
      fields = reader.schema.fields
      cellTypes = []
    case "csv", "json", "jsonl", "ndjson":
      format = suffix == "csv" ? .csv : .jsonLines
      parquet = nil
      let (names, types) = try Self.inferTypes(path: path, format: format, fixed: columnTypes)
      cellTypes = types
      fields = try zip(names, types).map { try PointInTimeJoin.outputField($0, $1) }
    default:
      throw ToolError.badEntities(
        path, "unknown file type '.\(suffix)'; use .parquet, .csv or .jsonl (JSON lines)")
    }
  }

  /// Calls `body` with each batch of at most `batchRows` rows (one per row group for
  /// Parquet), columns in `fields` order.
  func forEachBatch(batchRows: Int, _ body: ([ParquetColumnValues]) throws -> Void) throws {
    if let parquet {
      for rowGroup in 0..<parquet.rowGroupCount {
        try body(try fields.indices.map { try parquet.readColumn($0, rowGroup: rowGroup) })
      }
      return
    }
    var builders = cellTypes.map(ColumnBuilder.init(featureType:))
    func flush() throws {
      guard builders.first.map({ $0.count > 0 }) ?? false else { return }
      try body(builders.map { $0.finish() })
      builders = cellTypes.map(ColumnBuilder.init(featureType:))
    }
    try TextRows.forEachRow(path: path, format: format, columns: fields.map(\.name)) {
      line, cells in
      for (column, cell) in cells.enumerated() {
        guard let value = cell.value(as: cellTypes[column]) else {
          throw ToolError.badEntities(
            path,
            "line \(line), column '\(fields[column].name)': \(cell.text) is not a \(cellTypes[column].rawValue)"
          )
        }
        builders[column].append(value)
      }
      if builders[0].count == batchRows { try flush() }
    }
    try flush()
  }

  /// The column named `name`'s index, or an error naming what the file has.
  func columnIndex(_ name: String) throws -> Int {
    guard let index = fields.firstIndex(where: { $0.name == name }) else {
      throw ToolError.badEntities(
        path, "no column '\(name)'; it has: \(fields.map(\.name).joined(separator: ", "))")
    }
    return index
  }

  /// The first pass over a text file: each column's name and type.
  private static func inferTypes(path: String, format: Format, fixed: [String: FeatureType])
    throws -> ([String], [FeatureType])
  {
    let names = try TextRows.header(path: path, format: format)
    var inferred = [CellType](repeating: .none, count: names.count)
    try TextRows.forEachRow(path: path, format: format, columns: names) { _, cells in
      for (column, cell) in cells.enumerated() {
        inferred[column] = inferred[column].widened(by: cell)
      }
    }
    guard !names.isEmpty else { throw ToolError.badEntities(path, "the file is empty") }
    let types = zip(names, inferred).map { name, type in fixed[name] ?? type.featureType }
    return (names, types)
  }

  /// What a column's values seen so far fit in.
  private enum CellType {
    case none, bigint, double, boolean, string

    func widened(by cell: TextRows.Cell) -> CellType {
      let own: CellType
      switch cell {
      case .null: return self
      case .integer: own = .bigint
      case .number: own = .double
      case .boolean: own = .boolean
      case .text: own = .string
      }
      switch (self, own) {
      case (.none, _): return own
      case (let a, let b) where a == b: return a
      case (.bigint, .double), (.double, .bigint): return .double
      default: return .string
      }
    }

    var featureType: FeatureType {
      switch self {
      case .none, .string: return .string
      case .bigint: return .bigint
      case .double: return .double
      case .boolean: return .boolean
      }
    }
  }
}
