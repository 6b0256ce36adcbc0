#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The text of a C `errno` value.
func systemErrorMessage(_ code: Int32) -> String {
  String(cString: strerror(code))
}

/// An owned POSIX file descriptor with the few calls the store needs, each turning a failure
/// into `OnlineStoreError.io` with the path and errno.
final class SystemFile {
  let path: String
  let descriptor: Int32

  init(path: String, flags: Int32, mode: mode_t = 0o644) throws {
    self.path = path
    let descriptor = open(path, flags | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw OnlineStoreError.io(operation: "open", path: path, errno: errno)
    }
    self.descriptor = descriptor
  }

  deinit {
    close(descriptor)
  }

  private func failure(_ operation: String) -> OnlineStoreError {
    .io(operation: operation, path: path, errno: errno)
  }

  func size() throws -> Int64 {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw failure("fstat") }
    return Int64(info.st_size)
  }

  func truncate(to length: Int64) throws {
    guard ftruncate(descriptor, off_t(length)) == 0 else { throw failure("ftruncate") }
  }

  /// Writes all of `bytes` at `offset`, retrying short writes and interruptions.
  func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
    var written = 0
    while written < bytes.count {
      let result = pwrite(
        descriptor, bytes.baseAddress! + written, bytes.count - written,
        off_t(offset) + off_t(written))
      if result < 0 {
        if errno == EINTR { continue }
        throw failure("pwrite")
      }
      written += result
    }
  }

  /// Reads up to `buffer.count` bytes at `offset`; fewer only at end of file.
  func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
    var total = 0
    while total < buffer.count {
      let result = pread(
        descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset) + off_t(total))
      if result < 0 {
        if errno == EINTR { continue }
        throw failure("pread")
      }
      if result == 0 { break }
      total += result
    }
    return total
  }

  /// Makes written data durable before the database commit that refers to it.
  func synchronize() throws {
    #if canImport(Glibc)
      guard fdatasync(descriptor) == 0 else { throw failure("fdatasync") }
    #else
      guard fsync(descriptor) == 0 else { throw failure("fsync") }
    #endif
  }

  /// Tries to take an exclusive `flock`; false when someone else holds it.
  ///
  /// `flock` locks belong to the open file description, so a second `open` of the lock file
  /// conflicts even inside the same process, unlike `fcntl` record locks, which a process
  /// shares across all its descriptors and silently drops when any of them is closed.
  func tryLockExclusive() throws -> Bool {
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      if errno == EINTR { continue }
      if errno == EWOULDBLOCK { return false }
      throw failure("flock")
    }
    return true
  }

  /// Syncs a directory so that a created, renamed or removed entry survives a power loss.
  static func synchronizeDirectory(_ path: String) throws {
    let directory = try SystemFile(path: path, flags: O_RDONLY | O_DIRECTORY)
    guard fsync(directory.descriptor) == 0 else {
      throw OnlineStoreError.io(operation: "fsync", path: path, errno: errno)
    }
  }

  static func remove(_ path: String) throws {
    if unlink(path) != 0 && errno != ENOENT {
      throw OnlineStoreError.io(operation: "unlink", path: path, errno: errno)
    }
  }

  static func createDirectory(_ path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw OnlineStoreError.io(operation: "mkdir", path: path, errno: errno)
    }
  }

  /// Creates `path` and any missing parents (`mkdir -p`).
  static func createDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += component + "/"
      try createDirectory(prefix)
    }
  }

  /// The names in a directory (without `.` and `..`).
  static func directoryEntries(_ path: String) throws -> [String] {
    guard let directory = opendir(path) else {
      throw OnlineStoreError.io(operation: "opendir", path: path, errno: errno)
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
