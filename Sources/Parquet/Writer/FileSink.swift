#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An output file written with POSIX calls through a reused buffer (page headers and small
/// pages are coalesced, large pages go straight to the kernel); tracks the logical
/// position so the writer can record page and chunk offsets.
final class FileSink {
  private var descriptor: Int32
  let path: String
  private(set) var position: Int64 = 0
  private var buffer: [UInt8] = []
  private static let bufferSize = 1 << 20

  init(path: String) throws {
    self.path = path
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw ParquetError.io("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    buffer.reserveCapacity(Self.bufferSize)
  }

  deinit {
    if descriptor >= 0 { _ = systemClose(descriptor) }
  }

  func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count > 0 else { return }
    if bytes.count >= Self.bufferSize / 2 {
      try flush()
      try writeFully(bytes)
    } else {
      if buffer.count + bytes.count > Self.bufferSize { try flush() }
      buffer.append(contentsOf: bytes)
    }
    position += Int64(bytes.count)
  }

  private func flush() throws {
    guard !buffer.isEmpty else { return }
    try buffer.withUnsafeBytes { try writeFully($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw ParquetError.io("cannot write \(path): \(String(cString: strerror(errno)))")
      }
      offset += written
    }
  }

  /// Flushes, syncs to stable storage when asked, and closes; the file is complete after.
  func close(sync: Bool) throws {
    guard descriptor >= 0 else { return }
    try flush()
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
