#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An output file written with POSIX calls; tracks the position so the writer can record
/// page and chunk offsets.
final class FileSink {
  private var descriptor: Int32
  let path: String
  private(set) var position: Int64 = 0

  init(path: String) throws {
    self.path = path
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw ParquetError.io("cannot create \(path): \(String(cString: strerror(errno)))")
    }
  }

  deinit {
    if descriptor >= 0 { _ = systemClose(descriptor) }
  }

  func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw ParquetError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        offset += written
      }
    }
    position += Int64(bytes.count)
  }

  /// Flushes to stable storage and closes; the file is complete afterwards.
  func close(sync: Bool) throws {
    guard descriptor >= 0 else { return }
    defer { descriptor = -1 }
    if sync && fsync(descriptor) != 0 {
      _ = systemClose(descriptor)
      throw ParquetError.io("cannot sync \(path): \(String(cString: strerror(errno)))")
    }
    guard systemClose(descriptor) == 0 else {
      throw ParquetError.io("cannot close \(path): \(String(cString: strerror(errno)))")
    }
  }
}

// File-scope wrappers: inside `FileSink`, `close`/`write` would name its own methods.
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
