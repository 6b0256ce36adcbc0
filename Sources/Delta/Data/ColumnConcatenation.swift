import Parquet

/// Joins batch columns of one type end to end (compaction merges files this way).
enum ColumnConcatenation {
  static func concatenate(_ parts: [ParquetColumnValues], field: DeltaField) throws
    -> ParquetColumnValues
  {
    let anyNull = parts.contains { $0.validity != nil }
    var validity: [Bool] = []
    if anyNull {
      for part in parts { validity += part.validity ?? Array(repeating: true, count: part.count) }
    }
    let mask = anyNull ? validity : nil
    guard let physical = field.type.batchPhysicalType else {
      throw DeltaError.unsupportedType(field: field.name, type: field.type.sparkName)
    }
    func mismatch(_ part: ParquetColumnValues) -> DeltaError {
      .schemaMismatch(reason: "column \(field.name): \(part.physicalType) among \(physical) parts")
    }
    switch physical {
    case .int64:
      var values: [Int64] = []
      for part in parts {
        guard case .int64(let chunk, _) = part else { throw mismatch(part) }
        values += chunk
      }
      return .int64(values, validity: mask)
    case .int32:
      var values: [Int32] = []
      for part in parts {
        guard case .int32(let chunk, _) = part else { throw mismatch(part) }
        values += chunk
      }
      return .int32(values, validity: mask)
    case .double:
      var values: [Double] = []
      for part in parts {
        guard case .double(let chunk, _) = part else { throw mismatch(part) }
        values += chunk
      }
      return .double(values, validity: mask)
    case .boolean:
      var values: [Bool] = []
      for part in parts {
        guard case .boolean(let chunk, _) = part else { throw mismatch(part) }
        values += chunk
      }
      return .boolean(values, validity: mask)
    default:
      var values = ByteArrayColumn()
      for part in parts {
        guard case .byteArray(let chunk, _) = part else { throw mismatch(part) }
        for index in 0..<chunk.count { values.append(bytes: chunk[index]) }
      }
      return .byteArray(values, validity: mask)
    }
  }

  /// A column of `rows` nulls, for a column a file predates (added by schema evolution).
  static func nulls(_ field: DeltaField, rows: Int) throws -> ParquetColumnValues {
    let mask = Array(repeating: false, count: rows)
    switch field.type.batchPhysicalType {
    case .int64: return .int64(Array(repeating: 0, count: rows), validity: mask)
    case .int32: return .int32(Array(repeating: 0, count: rows), validity: mask)
    case .double: return .double(Array(repeating: 0, count: rows), validity: mask)
    case .boolean: return .boolean(Array(repeating: false, count: rows), validity: mask)
    case .byteArray:
      var column = ByteArrayColumn()
      for _ in 0..<rows { column.appendEmpty() }
      return .byteArray(column, validity: mask)
    default: throw DeltaError.unsupportedType(field: field.name, type: field.type.sparkName)
    }
  }
}
