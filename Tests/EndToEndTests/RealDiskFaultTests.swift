import Foundation
import TestSupport
import XCTest

/// Real disk faults under the offline directory, on a tmpfs mounted there: the file system
/// turned read-only (`mount -o remount,ro`, EROFS) and filled up (a ballast file takes the
/// free space, ENOSPC), each for 5 s while the stream flows. Mounting needs root (or
/// CAP_SYS_ADMIN), so these run in `make reliability`, not in `make test`.
final class RealDiskFaultTests: XCTestCase {
  func testOfflineDirectoryTurnsReadOnlyForFiveSeconds() throws {
    let run = try LiveStreamRun()
    defer { run.tearDown() }
    let mount = try Tmpfs(at: run.dataDir + "/offline", megabytes: 64)
    defer { mount.unmount() }
    let result = try run.measure { _ in
      try mount.remount(readOnly: true)
      sleep(5)
      try mount.remount(readOnly: false)
    }
    assertNoted(result, "Read-only file system")
    _ = try DiskFaultTests.everyVersionReadable(run.dataDir)
    print(
      "RELIABILITY | offline dir read-only 5 s | tmpfs, mount -o remount,ro / rw | \(result)")
  }

  func testOfflineDiskFullForFiveSeconds() throws {
    let run = try LiveStreamRun()
    defer { run.tearDown() }
    let mount = try Tmpfs(at: run.dataDir + "/offline", megabytes: 64)
    defer { mount.unmount() }
    let result = try run.measure { _ in
      let ballast = mount.path + "/ballast"
      try mount.fill(ballast)
      sleep(5)
      try FileManager.default.removeItem(atPath: ballast)
    }
    assertNoted(result, "No space left on device")
    _ = try DiskFaultTests.everyVersionReadable(run.dataDir)
    print("RELIABILITY | offline disk full 5 s | tmpfs filled by a ballast file | \(result)")
  }

  /// The fault was met, logged as a failed commit with the system's own words, and retried.
  private func assertNoted(_ result: LiveStreamRun.Measurement, _ words: String) {
    XCTAssertTrue(result.serviceLog.contains("commit failed"), result.serviceLog)
    XCTAssertTrue(result.serviceLog.contains(words), result.serviceLog)
  }
}

/// A tmpfs mounted for a test, unmounted by `unmount()`.
struct Tmpfs {
  let path: String

  init(at path: String, megabytes: Int) throws {
    self.path = path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try Self.mount(["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
  }

  func remount(readOnly: Bool) throws {
    try Self.mount(["-o", readOnly ? "remount,ro" : "remount,rw", path])
  }

  /// Writes a file that takes all the free space left.
  func fill(_ file: String) throws {
    var stats = statvfs()
    guard statvfs(path, &stats) == 0 else { throw MountFailed(output: "statvfs \(path)") }
    let free = Int(stats.f_bavail) * Int(stats.f_frsize)
    _ = FileManager.default.createFile(atPath: file, contents: nil)
    let handle = try XCTUnwrap(FileHandle(forWritingAtPath: file))
    defer { try? handle.close() }
    let block = Data(count: 1 << 20)
    var written = 0
    // Write until the device refuses: what is left after the last whole block goes too.
    while written < free + (1 << 20) {
      do { try handle.write(contentsOf: block) } catch { break }
      written += block.count
    }
  }

  func unmount() { try? Self.run("/bin/umount", ["-l", path]) }

  private static func mount(_ args: [String]) throws { try run("/bin/mount", args) }

  private static func run(_ tool: String, _ args: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = args
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let output = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      throw MountFailed(output: "\(tool) \(args.joined(separator: " ")): \(output)")
    }
  }

  struct MountFailed: Error { let output: String }
}
