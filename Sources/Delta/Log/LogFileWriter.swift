import Foundation

/// Writes log files so that a version appears whole or not at all, and only once.
///
/// A commit is written to a temporary file, flushed, then moved to its final name with
/// `renameat2(RENAME_NOREPLACE)` (or, where the file system refuses that flag, hard-linked
/// with link(2)): both fail with EEXIST instead of replacing, which makes the commit a
/// put-if-absent on a local file system — two writers racing for one version cannot both
/// win, and a crash leaves at most an orphan temporary file that no reader lists.
enum LogFileWriter {
  /// Writes `data` as `name` in `directory` unless that name exists. Returns false when it does.
  static func putIfAbsent(_ data: Data, name: String, inDirectory directory: String) throws
    -> Bool
  {
    let temporary = directory + "/.\(name).\(RandomUUID.text()).tmp"
    try writeDurably(data, to: temporary)
    let target = directory + "/" + name
    // rename without replace moves the file in one step; link then unlink leaves a
    // deleted inode per commit, which ext4 then scans past when it allocates the next.
    switch renameWithoutReplace(temporary, target) {
    case .moved:
      syncDirectory(directory)
      return true
    case .exists:
      unlink(temporary)
      return false
    case .unsupported:
      break
    }
    defer { unlink(temporary) }
    if link(temporary, target) != 0 {
      let code = errno
      if code == EEXIST { return false }
      throw DeltaError.io(path: target, reason: "link: \(String(cString: strerror(code)))")
    }
    syncDirectory(directory)
    return true
  }

  private enum RenameOutcome { case moved, exists, unsupported }

  /// `renameat2(..., RENAME_NOREPLACE)`, looked up at run time: the Glibc module does not
  /// declare it, and some file systems refuse the flag (then `link` does the job).
  private static func renameWithoutReplace(_ source: String, _ target: String) -> RenameOutcome {
    guard let renameat2 = renameat2Function else { return .unsupported }
    let renameNoReplace: UInt32 = 1
    if renameat2(AT_FDCWD, source, AT_FDCWD, target, renameNoReplace) == 0 { return .moved }
    switch errno {
    case EEXIST: return .exists
    default: return .unsupported
    }
  }

  private typealias RenameAt2 =
    @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

  private static let renameat2Function: RenameAt2? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else {
      return nil
    }
    return unsafeBitCast(symbol, to: RenameAt2.self)
  }()

  /// Writes and fsyncs a new file (failing if it exists).
  static func writeDurably(_ data: Data, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw DeltaError.io(path: path, reason: "open: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    try data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw DeltaError.io(path: path, reason: "write: \(String(cString: strerror(errno)))")
        }
        offset += written
      }
    }
    guard fsync(descriptor) == 0 else {
      throw DeltaError.io(path: path, reason: "fsync: \(String(cString: strerror(errno)))")
    }
  }

  /// Makes a new directory entry durable; best effort (some file systems refuse directory fsync).
  static func syncDirectory(_ path: String) {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }
}
