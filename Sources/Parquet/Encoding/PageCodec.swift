import CSnappy
import CZstd

/// Compresses and decompresses page bodies. Holds one zstd context per direction so that
/// the many pages of a file do not each allocate one.
final class PageCodec {
  let compression: ParquetCompression
  private let zstdLevel: Int32
  private var compressContext: OpaquePointer?
  private var decompressContext: OpaquePointer?
  /// Upper bound on a page's declared uncompressed size; larger claims are treated as corrupt.
  static let maxPageSize = 1 << 30

  init(_ compression: ParquetCompression, zstdLevel: Int32 = 1) {
    self.compression = compression
    self.zstdLevel = zstdLevel
  }

  deinit {
    if let compressContext { ZSTD_freeCCtx(compressContext) }
    if let decompressContext { ZSTD_freeDCtx(decompressContext) }
  }

  static func isWritable(_ compression: ParquetCompression) -> Bool {
    [.uncompressed, .snappy, .zstd].contains(compression)
  }

  /// `input` compressed with this codec.
  func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
    switch compression {
    case .uncompressed:
      return Array(input)
    case .zstd:
      if compressContext == nil { compressContext = ZSTD_createCCtx() }
      let context = compressContext
      let level = zstdLevel
      let bound = ZSTD_compressBound(input.count)
      return try [UInt8](unsafeUninitializedCapacity: bound) { target, initialized in
        let result = ZSTD_compressCCtx(
          context, target.baseAddress, bound, input.baseAddress, input.count, level)
        guard ZSTD_isError(result) == 0 else {
          throw ParquetError.io(
            "zstd compression failed: \(String(cString: ZSTD_getErrorName(result)))")
        }
        initialized = result
      }
    case .snappy:
      let bound = snappy_max_compressed_length(input.count)
      return try [UInt8](unsafeUninitializedCapacity: bound) { target, initialized in
        var length = bound
        let status = target.withMemoryRebound(to: CChar.self) { output in
          input.withMemoryRebound(to: CChar.self) { source in
            snappy_compress(source.baseAddress, input.count, output.baseAddress, &length)
          }
        }
        guard status == SNAPPY_OK else { throw ParquetError.io("snappy compression failed") }
        initialized = length
      }
    default:
      throw ParquetError.unsupported("writing with codec \(compression)")
    }
  }

  /// Decompresses a page body that must expand to exactly `uncompressedSize` bytes.
  func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int) throws -> [UInt8] {
    guard uncompressedSize >= 0, uncompressedSize <= Self.maxPageSize else {
      throw ParquetError.corrupt("page claims \(uncompressedSize) uncompressed bytes")
    }
    switch compression {
    case .uncompressed:
      guard input.count == uncompressedSize else {
        throw ParquetError.corrupt(
          "uncompressed page of \(input.count) bytes claims \(uncompressedSize)")
      }
      return Array(input)
    case .zstd:
      let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
      // ZSTD_CONTENTSIZE_UNKNOWN is (0ULL - 1), ZSTD_CONTENTSIZE_ERROR is (0ULL - 2).
      guard declared != UInt64.max - 1 else {
        throw ParquetError.corrupt("zstd frame header is invalid")
      }
      guard declared == UInt64.max || declared == UInt64(uncompressedSize) else {
        throw ParquetError.corrupt(
          "zstd frame holds \(declared) bytes, page claims \(uncompressedSize)")
      }
      if decompressContext == nil { decompressContext = ZSTD_createDCtx() }
      let context = decompressContext
      return try [UInt8](unsafeUninitializedCapacity: uncompressedSize) { target, initialized in
        let result = ZSTD_decompressDCtx(
          context, target.baseAddress, uncompressedSize, input.baseAddress, input.count)
        guard ZSTD_isError(result) == 0, result == uncompressedSize else {
          throw ParquetError.corrupt("zstd page does not decompress to \(uncompressedSize) bytes")
        }
        initialized = result
      }
    case .snappy:
      var length = 0
      let lengthStatus = input.withMemoryRebound(to: CChar.self) {
        snappy_uncompressed_length($0.baseAddress, input.count, &length)
      }
      guard lengthStatus == SNAPPY_OK, length == uncompressedSize else {
        throw ParquetError.corrupt("snappy page does not hold \(uncompressedSize) bytes")
      }
      let valid = input.withMemoryRebound(to: CChar.self) {
        snappy_validate_compressed_buffer($0.baseAddress, input.count)
      }
      guard valid == SNAPPY_OK else { throw ParquetError.corrupt("snappy page is malformed") }
      return try [UInt8](unsafeUninitializedCapacity: uncompressedSize) { target, initialized in
        var outLength = uncompressedSize
        let status = target.withMemoryRebound(to: CChar.self) { output in
          input.withMemoryRebound(to: CChar.self) {
            snappy_uncompress($0.baseAddress, input.count, output.baseAddress, &outLength)
          }
        }
        guard status == SNAPPY_OK, outLength == uncompressedSize else {
          throw ParquetError.corrupt("snappy page does not decompress")
        }
        initialized = outLength
      }
    default:
      throw ParquetError.unsupported("codec \(compression)")
    }
  }
}
