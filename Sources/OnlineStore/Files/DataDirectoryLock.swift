#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Exclusive ownership of an online store directory for the life of this object, so that
/// two writers never interleave batches (which would break last-write-wins and the dedup
/// log's committed length).
///
/// The lock file is never removed: removing it would let a third process lock a fresh file
/// while the second still waits on the old one. It holds the holder's pid while locked.
public final class DataDirectoryLock {
  private let file: SystemFile

  public init(path: String) throws {
    let file = try SystemFile(path: path, flags: O_RDWR | O_CREAT)
    guard try file.tryLockExclusive() else {
      throw OnlineStoreError.locked(path: path, holderPID: Self.holderPID(of: file))
    }
    // The holder's pid, for the message a second opener prints.
    let pid = Array("\(getpid())\n".utf8)
    try file.truncate(to: 0)
    try pid.withUnsafeBytes { try file.write($0, at: 0) }
    self.file = file
  }

  private static func holderPID(of file: SystemFile) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = (try? buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }) ?? 0
    let digits = buffer.prefix(count).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    return Int32(String(decoding: digits, as: UTF8.self))
  }

  deinit {
    // Empty again once released, so that a process that changed nothing (a replay over
    // complete stores) leaves every file under the data dir as it found it. Closing the
    // descriptor (SystemFile's deinit) then releases the flock.
    try? file.truncate(to: 0)
  }
}
