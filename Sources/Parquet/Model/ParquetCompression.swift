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
