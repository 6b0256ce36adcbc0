import Foundation
import Parquet

extension DeltaTable {
  /// Writes `columns` (one per schema field, in schema order) as a new zstd Parquet file under
  /// the table and returns its `add` action, with statistics. The file is invisible until the
  /// action is committed.
  public func writeDataFile(_ columns: [ParquetColumnValues], dataChange: Bool = true) throws
    -> AddFile
  {
    let state = lock.withLock { cachedState }
    guard let metadata = state.metadata else {
      throw DeltaError.missingTableMetadata(version: state.version)
    }
    return try DataFileWriter.write(
      columns: columns, schema: try schema(of: metadata),
      partitionColumns: metadata.partitionColumns, storage: log.storage, dataChange: dataChange,
      maxRowsPerRowGroup: options.maxRowsPerRowGroup)
  }

  /// The bytes of a live file: through the table's storage, or from the local disk when the
  /// log names it by an absolute path.
  func byteSource(of file: AddFile) throws -> any ParquetByteSource {
    let relative = file.relativeFilePath
    do {
      if relative.hasPrefix("file://"), let url = URL(string: file.path) {
        return try FileSource(path: url.path)
      }
      if relative.hasPrefix("/") { return try FileSource(path: relative) }
      return try log.storage.byteSource(relative)
    } catch let error as ParquetError {
      throw DeltaError.dataFile(path: file.path, reason: "\(error)")
    }
  }

  /// `metadata.schema()`, parsed once per schema string.
  private func schema(of metadata: TableMetadata) throws -> DeltaSchema {
    if let parsed = lock.withLock({ parsedSchema }), parsed.text == metadata.schemaString {
      return parsed.schema
    }
    let schema = try metadata.schema()
    lock.withLock { parsedSchema = (metadata.schemaString, schema) }
    return schema
  }

  /// Writes one data file and commits it with `appTransactions`: a whole append in one call.
  @discardableResult
  public func append(
    _ columns: [ParquetColumnValues], appTransactions: [(appId: String, version: Int64)] = []
  ) throws -> Int64 {
    let file = try writeDataFile(columns)
    return try commit(
      actions: [.add(file)], appTransactions: appTransactions,
      operationParameters: ["mode": .string("Append")])
  }

  /// Reads rows of `snapshot` (default: the latest): of `files` (default: every live file),
  /// only `columns` (default: all, in schema order), skipping files whose statistics rule out
  /// `predicate`. One batch per file read, in file order; rows inside kept files are not
  /// filtered.
  public func read(
    snapshot: Snapshot? = nil, files: [AddFile]? = nil, columns: [String]? = nil,
    predicate: ScanPredicate? = nil
  ) throws -> [DeltaBatch] {
    let snapshot = try snapshot ?? self.snapshot()
    let fields =
      try columns.map { names in
        try names.map { name in
          guard let field = snapshot.schema.field(named: name) else {
            throw DeltaError.schemaMismatch(reason: "no column \(name) in the table")
          }
          return field
        }
      } ?? snapshot.schema.fields
    let selected = (files ?? snapshot.files).filter {
      predicate?.mightMatch($0, schema: snapshot.schema) ?? true
    }
    return try selected.map {
      try DataFileReader.read(source: try byteSource(of: $0), file: $0, fields: fields)
    }
  }

  /// Rewrites the live files smaller than `smallFileBytes` into files of up to `targetRows`
  /// rows, in one commit of removes and adds with `dataChange: false`. Appends committed
  /// meanwhile do not conflict; a concurrent remove of one of these files does. Returns the
  /// new version, or nil when fewer than two files were small enough to be worth it.
  @discardableResult
  public func compact(smallFileBytes: Int64 = 32 << 20, targetRows: Int = 1_000_000) throws
    -> Int64?
  {
    let snapshot = try self.snapshot()
    let small = snapshot.files.filter { $0.size < smallFileBytes }
    guard small.count >= 2 else { return nil }
    let batches = try read(snapshot: snapshot, files: small)
    var actions: [DeltaAction] = []
    var group: [DeltaBatch] = []
    var groupRows = 0
    func flush() throws {
      guard !group.isEmpty else { return }
      let merged = try snapshot.schema.fields.indices.map { index in
        try ColumnConcatenation.concatenate(
          group.map { $0.columns[index] }, field: snapshot.schema.fields[index])
      }
      actions.append(.add(try writeDataFile(merged, dataChange: false)))
      group = []
      groupRows = 0
    }
    for batch in batches {
      if groupRows > 0, groupRows + batch.rowCount > targetRows { try flush() }
      group.append(batch)
      groupRows += batch.rowCount
    }
    try flush()
    let now = Self.nowMilliseconds()
    actions += small.map { .remove(RemoveFile(removing: $0, at: now, dataChange: false)) }
    return try commit(
      actions: actions, operation: "OPTIMIZE",
      operationParameters: ["targetRows": .integer(Int64(targetRows))])
  }
}
