/// A logical type annotation (the `LogicalType` union of parquet.thrift): how readers
/// interpret a physical type, e.g. BYTE_ARRAY as UTF-8 `.string`, INT64 as `.timestamp`.
/// Annotations this library does not interpret decode as `.other` and are carried as is.
public enum ParquetLogicalType: Equatable, Hashable, Sendable {
  case string
  case map
  case list
  case enumeration
  case decimal(scale: Int32, precision: Int32)
  case date
  case time(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
  case timestamp(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
  case integer(bitWidth: Int8, isSigned: Bool)
  case unknown
  case json
  case bson
  case uuid
  case other(fieldId: Int16)
}
