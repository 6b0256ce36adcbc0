#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a `ParquetReader` reads its bytes from: a local file (`FileSource`), an object in
/// remote storage read with ranged requests, or anything else that can hand out a byte range.
/// The reader asks for the footer first, then only the column chunks it decodes.
public protocol ParquetByteSource: Sendable {
  /// Names the file in error messages.
  var name: String { get }
  /// The file's size in bytes.
  var size: Int64 { get }
  /// Bytes `offset..<offset+length`; the range must lie inside the file.
  func read(offset: Int64, length: Int) throws -> [UInt8]
}

/// A read-only file accessed with positioned reads, so a reader fetches only the footer
/// and the column chunks asked for.
public final class FileSource: ParquetByteSource, @unchecked Sendable {
  // @unchecked: the descriptor is immutable after init and pread has no shared offset.
  private let descriptor: Int32
  public let path: String
  public let size: Int64
  public var name: String { path }

  public init(path: String) throws {
    self.path = path
    let opened = open(path, O_RDONLY | O_CLOEXEC)
    guard opened >= 0 else {
      throw ParquetError.io("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    var info = stat()
    guard fstat(opened, &info) == 0 else {
      let message = String(cString: strerror(errno))
      _ = closeDescriptor(opened)
      throw ParquetError.io("cannot stat \(path): \(message)")
    }
    descriptor = opened
    size = Int64(info.st_size)
  }

  deinit { _ = closeDescriptor(descriptor) }

  /// Bytes `offset..<offset+length`; the range must lie inside the file.
  public func read(offset: Int64, length: Int) throws -> [UInt8] {
    guard offset >= 0, length >= 0, offset <= size, Int64(length) <= size - offset else {
      throw ParquetError.corrupt(
        "\(path): range \(offset)+\(length) lies outside the file of \(size) bytes")
    }
    return try [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
      var done = 0
      while done < length {
        let got = pread(
          descriptor, buffer.baseAddress! + done, length - done, off_t(offset) + off_t(done))
        if got < 0 {
          if errno == EINTR { continue }
          throw ParquetError.io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if got == 0 { throw ParquetError.io("\(path) shrank while being read") }
        done += got
      }
      initialized = length
    }
  }
}

private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }
