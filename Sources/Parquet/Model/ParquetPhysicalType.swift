/// The storage type of a leaf column (the `Type` enum of parquet.thrift).
public enum ParquetPhysicalType: Int32, Sendable, Hashable, CaseIterable {
  case boolean = 0
  case int32 = 1
  case int64 = 2
  case int96 = 3
  case float = 4
  case double = 5
  case byteArray = 6
  case fixedLenByteArray = 7
}

/// Whether a field must be present, may be null, or repeats (`FieldRepetitionType`).
public enum ParquetRepetition: Int32, Sendable, Hashable {
  case required = 0
  case optional = 1
  case repeated = 2
}

/// The unit of a `.time` or `.timestamp` logical type.
public enum ParquetTimeUnit: Sendable, Hashable {
  case millis
  case micros
  case nanos

  var thriftFieldId: Int16 {
    switch self {
    case .millis: return 1
    case .micros: return 2
    case .nanos: return 3
    }
  }
}

/// A page compression codec (`CompressionCodec`). The writer supports `.uncompressed`,
/// `.snappy` and `.zstd`; the other cases exist so that metadata of any file can be shown.
public enum ParquetCompression: Int32, Sendable, Hashable {
  case uncompressed = 0
  case snappy = 1
  case gzip = 2
  case lzo = 3
  case brotli = 4
  case lz4 = 5
  case zstd = 6
  case lz4Raw = 7
}

/// A value or level encoding (`Encoding`).
public enum ParquetEncoding: Int32, Sendable, Hashable {
  case plain = 0
  case plainDictionary = 2
  case rle = 3
  case bitPacked = 4
  case deltaBinaryPacked = 5
  case deltaLengthByteArray = 6
  case deltaByteArray = 7
  case rleDictionary = 8
  case byteStreamSplit = 9
}
