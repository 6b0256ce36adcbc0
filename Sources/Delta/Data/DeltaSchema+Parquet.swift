import Parquet

extension DeltaDataType {
  /// The Parquet physical type of a batch column holding this type, as `ParquetColumnValues`
  /// carries it; nil for types this module cannot write (float, decimal).
  var batchPhysicalType: ParquetPhysicalType? {
    switch self {
    case .long, .timestamp, .timestampWithoutTimeZone: return .int64
    case .integer, .short, .byte, .date: return .int32
    case .double: return .double
    case .boolean: return .boolean
    case .string, .binary: return .byteArray
    case .float, .decimal: return nil
    }
  }
}

extension DeltaField {
  /// The Parquet leaf for this column, annotated the way Spark and delta-rs annotate it, so that
  /// every reader maps it back to the same Delta type.
  public func parquetField() throws -> ParquetField {
    let repetition: ParquetRepetition = nullable ? .optional : .required
    func leaf(_ physical: ParquetPhysicalType, _ logical: ParquetLogicalType?) -> ParquetField {
      ParquetField(name: name, physicalType: physical, logicalType: logical, repetition: repetition)
    }
    switch type {
    case .long: return leaf(.int64, nil)
    case .integer: return leaf(.int32, nil)
    case .short: return leaf(.int32, .integer(bitWidth: 16, isSigned: true))
    case .byte: return leaf(.int32, .integer(bitWidth: 8, isSigned: true))
    case .double: return leaf(.double, nil)
    case .boolean: return leaf(.boolean, nil)
    case .string: return leaf(.byteArray, .string)
    case .binary: return leaf(.byteArray, nil)
    case .date: return leaf(.int32, .date)
    case .timestamp: return leaf(.int64, .timestamp(isAdjustedToUTC: true, unit: .micros))
    case .timestampWithoutTimeZone:
      return leaf(.int64, .timestamp(isAdjustedToUTC: false, unit: .micros))
    case .float, .decimal:
      throw DeltaError.unsupportedType(field: name, type: type.sparkName)
    }
  }
}

extension DeltaSchema {
  /// The Parquet schema of data files for this table (partition columns are not stored).
  public func parquetSchema(excluding partitionColumns: [String] = []) throws -> ParquetSchema {
    let stored = fields.filter { !partitionColumns.contains($0.name) }
    do {
      return try ParquetSchema(stored.map { try $0.parquetField() })
    } catch let error as ParquetError {
      throw DeltaError.schemaMismatch(reason: error.description)
    }
  }
}
