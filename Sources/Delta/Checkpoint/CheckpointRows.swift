import Parquet

/// Converts actions to and from checkpoint rows (the row-wise nested API of the Parquet module).
enum CheckpointRows {
  static func row(_ action: DeltaAction) -> [String: ParquetValue]? {
    switch action {
    case .transaction(let txn):
      return [
        "txn": .struct([
          "appId": .string(txn.appId), "version": .int64(txn.version),
          "lastUpdated": optional(txn.lastUpdated, ParquetValue.int64),
        ])
      ]
    case .add(let add):
      return [
        "add": .struct([
          "path": .string(add.path), "partitionValues": map(add.partitionValues),
          "size": .int64(add.size), "modificationTime": .int64(add.modificationTime),
          "dataChange": .boolean(add.dataChange), "stats": optional(add.stats, ParquetValue.string),
          "tags": add.tags.map(map) ?? .null,
        ])
      ]
    case .remove(let remove):
      return [
        "remove": .struct([
          "path": .string(remove.path),
          "deletionTimestamp": optional(remove.deletionTimestamp, ParquetValue.int64),
          "dataChange": .boolean(remove.dataChange),
          "extendedFileMetadata": optional(remove.extendedFileMetadata, ParquetValue.boolean),
          "partitionValues": remove.partitionValues.map(map) ?? .null,
          "size": optional(remove.size, ParquetValue.int64), "tags": remove.tags.map(map) ?? .null,
        ])
      ]
    case .metadata(let metadata):
      return [
        "metaData": .struct([
          "id": .string(metadata.id), "name": optional(metadata.name, ParquetValue.string),
          "description": optional(metadata.description, ParquetValue.string),
          "format": .struct([
            "provider": .string(metadata.format.provider),
            "options": map(metadata.format.options.mapValues { Optional($0) }),
          ]),
          "schemaString": .string(metadata.schemaString),
          "partitionColumns": .list(metadata.partitionColumns.map(ParquetValue.string)),
          "createdTime": optional(metadata.createdTime, ParquetValue.int64),
          "configuration": map(metadata.configuration.mapValues { Optional($0) }),
        ])
      ]
    case .tableProtocol(let value):
      return [
        "protocol": .struct([
          "minReaderVersion": .int32(value.minReaderVersion),
          "minWriterVersion": .int32(value.minWriterVersion),
          "readerFeatures": value.readerFeatures.map { .list($0.map(ParquetValue.string)) }
            ?? .null,
          "writerFeatures": value.writerFeatures.map { .list($0.map(ParquetValue.string)) }
            ?? .null,
        ])
      ]
    case .commitInfo:
      return nil
    }
  }

  private static func optional<T>(_ value: T?, _ wrap: (T) -> ParquetValue) -> ParquetValue {
    value.map(wrap) ?? .null
  }

  private static func map(_ values: [String: String?]) -> ParquetValue {
    .map(values.keys.sorted().map { key in (key, values[key]!.map(ParquetValue.string) ?? .null) })
  }

  /// The action a checkpoint row holds; nil for rows of action types this module ignores
  /// (domain metadata, sidecars, commitInfo). A row missing a required field is corrupt.
  static func action(_ row: [String: ParquetValue], version: Int64) throws -> DeltaAction? {
    func corrupt(_ what: String) -> DeltaError {
      .corruptCheckpoint(version: version, reason: "row lacks \(what)")
    }
    if let add = row["add"], !add.isNull {
      guard let path = add[field: "path"]?.stringValue, let size = add[field: "size"]?.int64Value
      else { throw corrupt("add.path or add.size") }
      return .add(
        AddFile(
          path: path, partitionValues: stringMap(add[field: "partitionValues"]) ?? [:], size: size,
          modificationTime: add[field: "modificationTime"]?.int64Value ?? 0,
          dataChange: add[field: "dataChange"]?.boolValue ?? true,
          stats: add[field: "stats"]?.stringValue, tags: stringMap(add[field: "tags"])))
    }
    if let remove = row["remove"], !remove.isNull {
      guard let path = remove[field: "path"]?.stringValue else { throw corrupt("remove.path") }
      return .remove(
        RemoveFile(
          path: path, deletionTimestamp: remove[field: "deletionTimestamp"]?.int64Value,
          dataChange: remove[field: "dataChange"]?.boolValue ?? true,
          extendedFileMetadata: remove[field: "extendedFileMetadata"]?.boolValue,
          partitionValues: stringMap(remove[field: "partitionValues"]),
          size: remove[field: "size"]?.int64Value, tags: stringMap(remove[field: "tags"])))
    }
    if let txn = row["txn"], !txn.isNull {
      guard let appId = txn[field: "appId"]?.stringValue,
        let txnVersion = txn[field: "version"]?.int64Value
      else { throw corrupt("txn.appId or txn.version") }
      return .transaction(
        AppTransaction(
          appId: appId, version: txnVersion, lastUpdated: txn[field: "lastUpdated"]?.int64Value))
    }
    if let metaData = row["metaData"], !metaData.isNull {
      guard let id = metaData[field: "id"]?.stringValue,
        let schemaString = metaData[field: "schemaString"]?.stringValue
      else { throw corrupt("metaData.id or metaData.schemaString") }
      let format = metaData[field: "format"]
      return .metadata(
        TableMetadata(
          id: id, name: metaData[field: "name"]?.stringValue,
          description: metaData[field: "description"]?.stringValue,
          format: TableMetadata.Format(
            provider: format?[field: "provider"]?.stringValue ?? "parquet",
            options: (stringMap(format?[field: "options"]) ?? [:]).compactMapValues { $0 }),
          schemaString: schemaString,
          partitionColumns: stringList(metaData[field: "partitionColumns"]) ?? [],
          createdTime: metaData[field: "createdTime"]?.int64Value,
          configuration: (stringMap(metaData[field: "configuration"]) ?? [:]).compactMapValues {
            $0
          }))
    }
    if let value = row["protocol"], !value.isNull {
      guard let reader = value[field: "minReaderVersion"]?.int64Value,
        let writer = value[field: "minWriterVersion"]?.int64Value,
        let readerVersion = Int32(exactly: reader), let writerVersion = Int32(exactly: writer)
      else { throw corrupt("protocol versions") }
      return .tableProtocol(
        TableProtocol(
          minReaderVersion: readerVersion, minWriterVersion: writerVersion,
          readerFeatures: stringList(value[field: "readerFeatures"]),
          writerFeatures: stringList(value[field: "writerFeatures"])))
    }
    return nil
  }

  private static func stringMap(_ value: ParquetValue?) -> [String: String?]? {
    guard case .map(let pairs)? = value else { return nil }
    var result: [String: String?] = [:]
    for pair in pairs { result[pair.key] = .some(pair.value.stringValue) }
    return result
  }

  private static func stringList(_ value: ParquetValue?) -> [String]? {
    guard case .list(let items)? = value else { return nil }
    return items.compactMap(\.stringValue)
  }
}
