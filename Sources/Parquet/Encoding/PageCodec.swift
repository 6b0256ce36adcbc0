import CSnappy
import CZstd

/// Compresses and decompresses page bodies. Holds one zstd context per direction so that
/// the many pages of a file do not each allocate one.
final class PageCodec {
  let compression: ParquetCompression
  private let zstdLevel: Int32
  private var compressContext: OpaquePointer?
  private var decompressContext: OpaquePointer?
  private var scratchBuffer: UnsafeMutableRawPointer?
  private var scratchCapacity = 0
  /// Upper bound on a page's declared uncompressed size; larger claims are treated as corrupt.
  static let maxPageSize = 1 << 30

  init(_ compression: ParquetCompression, zstdLevel: Int32 = 1) {
    self.compression = compression
    self.zstdLevel = zstdLevel
  }

  deinit {
    if let compressContext { ZSTD_freeCCtx(compressContext) }
    if let decompressContext { ZSTD_freeDCtx(decompressContext) }
    scratchBuffer?.deallocate()
  }

  static func isWritable(_ compression: ParquetCompression) -> Bool {
    [.uncompressed, .snappy, .zstd].contains(compression)
  }

  /// Hands `input` compressed with this codec to `body`; the bytes live in a scratch
  /// buffer reused by the next call (uncompressed: `input` itself).
  func compress<R>(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R)
    throws -> R
  {
    switch compression {
    case .uncompressed:
      return try body(input)
    case .zstd:
      if compressContext == nil { compressContext = ZSTD_createCCtx() }
      let bound = ZSTD_compressBound(input.count)
      let target = scratch(bound)
      let result = ZSTD_compressCCtx(
        compressContext, target, bound, input.baseAddress, input.count, zstdLevel)
      guard ZSTD_isError(result) == 0 else {
        throw ParquetError.io(
          "zstd compression failed: \(String(cString: ZSTD_getErrorName(result)))")
      }
      return try body(UnsafeRawBufferPointer(start: target, count: result))
    case .snappy:
      var length = snappy_max_compressed_length(input.count)
      let target = scratch(length).assumingMemoryBound(to: CChar.self)
      let status = input.withMemoryRebound(to: CChar.self) {
        snappy_compress($0.baseAddress, input.count, target, &length)
      }
      guard status == SNAPPY_OK else { throw ParquetError.io("snappy compression failed") }
      return try body(UnsafeRawBufferPointer(start: target, count: length))
    default:
      throw ParquetError.unsupported("writing with codec \(compression)")
    }
  }

  /// A scratch buffer of at least `size` bytes, grown (never shrunk) on demand.
  private func scratch(_ size: Int) -> UnsafeMutableRawPointer {
    if size > scratchCapacity || scratchBuffer == nil {
      scratchBuffer?.deallocate()
      scratchCapacity = max(size, scratchCapacity * 2, 4096)
      scratchBuffer = .allocate(byteCount: scratchCapacity, alignment: 16)
    }
    return scratchBuffer!
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
