import Foundation
import TestSupport
import XCTest

/// `idemstream status` (docs/reference.md, "Status"): Kafka's next-offset convention, no
/// broker needed, and a read-only data dir.
final class StatusTests: XCTestCase {
  static let legend =
    "offsets are Kafka's next offsets: high_watermark is the offset the next record written "
    + "gets, *_next the next one each store reads (the last it took + 1; - when it took none), "
    + "and lag is high_watermark minus the smaller *_next"

  /// The fixture's stream taken to the end: per partition, the high watermark, which is then
  /// each store's next offset too (`status --json` with the broker up).
  func highWatermarks(_ fixture: KnownOutcomeFixture) throws -> [Int: Int] {
    let run = try Idemstream.run(["run", "--config", fixture.config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let status = try Idemstream.run(["status", "--config", fixture.config, "--json"])
    XCTAssertEqual(status.status, 0, status.stderr)
    let doc = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
    XCTAssertTrue(doc["kafka_error"] is NSNull, "\(doc)")
    var highs: [Int: Int] = [:]
    for row in try XCTUnwrap(doc["partitions"] as? [[String: Any]]) {
      let partition = try XCTUnwrap(row["partition"] as? Int)
      let high = try XCTUnwrap(row["high_watermark"] as? Int)
      highs[partition] = high
      // The last offset taken is one before the next; the next is the high watermark.
      XCTAssertEqual(row["online_next_offset"] as? Int, high, "\(row)")
      XCTAssertEqual(row["offline_next_offset"] as? Int, high, "\(row)")
      XCTAssertEqual(row["online_offset"] as? Int, high - 1, "\(row)")
      XCTAssertEqual(row["offline_offset"] as? Int, high - 1, "\(row)")
      XCTAssertEqual(row["lag"] as? Int, 0, "\(row)")
    }
    XCTAssertEqual(highs.keys.sorted(), [0, 1])
    XCTAssertEqual(highs.values.reduce(0, +), KnownOutcomeStream.consumed)
    return highs
  }

  /// The text table names the columns in Kafka's terms and says so in its last line.
  func testStatusCountsInKafkasNextOffsets() throws {
    let fixture = try KnownOutcomeFixture()
    defer { fixture.tearDown() }
    let highs = try highWatermarks(fixture)
    let status = try Idemstream.run(["status", "--config", fixture.config])
    XCTAssertEqual(status.status, 0, status.stderr)
    XCTAssertEqual(status.stderr, "")
    let rows = highs.keys.sorted().map {
      "features\t\($0)\t\(highs[$0]!)\t\(highs[$0]!)\t\(highs[$0]!)\t0"
    }
    XCTAssertEqual(
      status.stdout,
      (["topic\tpartition\thigh_watermark\tonline_next\toffline_next\tlag"] + rows + [Self.legend])
        .joined(separator: "\n") + "\n")
  }

  /// With the broker gone, `status` still shows where the stores stand, the high watermark
  /// and lag unknown, one warning naming the problem, exit 0, within the 5 s it waits.
  func testStatusWithoutABrokerShowsTheStoresAndLagUnknown() throws {
    let fixture = try KnownOutcomeFixture()
    defer { fixture.tearDown() }
    let highs = try highWatermarks(fixture)
    let bootstrap = fixture.broker.bootstrap
    fixture.broker.stop()

    let started = Date()
    let status = try Idemstream.run(["status", "--config", fixture.config])
    XCTAssertLessThan(Date().timeIntervalSince(started), 15)
    XCTAssertEqual(status.status, 0, status.stderr)
    let rows = highs.keys.sorted().map {
      "features\t\($0)\tunknown\t\(highs[$0]!)\t\(highs[$0]!)\tunknown"
    }
    XCTAssertEqual(
      status.stdout,
      (["topic\tpartition\thigh_watermark\tonline_next\toffline_next\tlag"] + rows + [Self.legend])
        .joined(separator: "\n") + "\n")
    let problem =
      "cannot reach the Kafka cluster at \(bootstrap) within 5s (Local: Broker transport failure)"
    XCTAssertEqual(
      LogLines.untimed(status.stderr),
      [
        "warning idemstream: [idemstream] lag is unknown: \(problem) — the positions shown are "
          + "the stores' own; the lag needs a broker that answers at kafka.bootstrap_servers"
      ])

    let json = try Idemstream.run(["status", "--config", fixture.config, "--json"])
    XCTAssertEqual(json.status, 0, json.stderr)
    let doc = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(doc["kafka_error"] as? String, problem)
    for row in try XCTUnwrap(doc["partitions"] as? [[String: Any]]) {
      let partition = try XCTUnwrap(row["partition"] as? Int)
      XCTAssertTrue(row["high_watermark"] is NSNull, "\(row)")
      XCTAssertTrue(row["lag"] is NSNull, "\(row)")
      XCTAssertEqual(row["online_next_offset"] as? Int, highs[partition])
      XCTAssertEqual(row["offline_offset"] as? Int, highs[partition].map { $0 - 1 })
    }
  }

  /// A copy of the data dir that nothing may write (`chmod -R a-w`, without the SQLite
  /// `-shm` and `-wal` files a clean copy lacks) reads as the original. Root ignores the
  /// permission bits, so as root the copy is also bind-mounted read-only: the kernel then
  /// refuses root's writes too.
  func testStatusReadsAReadOnlyDataDir() throws {
    let fixture = try KnownOutcomeFixture()
    defer { fixture.tearDown() }
    _ = try highWatermarks(fixture)
    let expected = try Idemstream.run(["status", "--config", fixture.config])
    XCTAssertEqual(expected.status, 0, expected.stderr)

    let copy = fixture.directory.url.appendingPathComponent("copy").path
    try FileManager.default.copyItem(atPath: fixture.dataDir, toPath: copy)
    let database = copy + "/online/online.db"
    let log = (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size]) as? Int
    XCTAssertEqual(log ?? 0, 0, "a clean stop leaves no commit in the write-ahead log")
    for suffix in ["-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: database + suffix)
    }
    XCTAssertEqual(try Self.shell("/bin/chmod", ["-R", "a-w", copy]), 0)
    defer { _ = try? Self.shell("/bin/chmod", ["-R", "u+w", copy]) }

    var dataDir = copy
    var mounted: String?
    if geteuid() == 0 {
      // Root can still write there: show it, then take the right away with a mount.
      let probe = copy + "/online/root-writes-anyway"
      XCTAssertTrue(FileManager.default.createFile(atPath: probe, contents: nil))
      try FileManager.default.removeItem(atPath: probe)
      let mountPoint = fixture.directory.url.appendingPathComponent("read-only").path
      try FileManager.default.createDirectory(
        atPath: mountPoint, withIntermediateDirectories: false)
      guard try Self.shell("/bin/mount", ["--bind", copy, mountPoint]) == 0 else {
        throw XCTSkip(
          "running as root, which ignores chmod, and mount --bind is not permitted here: "
            + "a read-only data dir cannot be made")
      }
      mounted = mountPoint
      XCTAssertEqual(
        try Self.shell("/bin/mount", ["-o", "remount,bind,ro", mountPoint]), 0, "remount ro")
      dataDir = mountPoint
    }
    defer { if let mounted { _ = try? Self.shell("/bin/umount", ["-l", mounted]) } }
    XCTAssertFalse(
      FileManager.default.createFile(atPath: dataDir + "/online/probe", contents: nil),
      "the data dir is read-only")

    let config = fixture.directory.url.appendingPathComponent("read-only.yaml").path
    try String(contentsOfFile: fixture.config, encoding: .utf8)
      .replacingOccurrences(of: "data_dir: \(fixture.dataDir)", with: "data_dir: \(dataDir)")
      .write(toFile: config, atomically: true, encoding: .utf8)
    let status = try Idemstream.run(["status", "--config", config])
    XCTAssertEqual(status.status, 0, status.stderr)
    XCTAssertEqual(status.stdout, expected.stdout)
    XCTAssertEqual(status.stderr, "")
    let row = try Idemstream.run([
      "online", "get", "--config", config, "--group", "user_stats", "u7",
    ])
    XCTAssertEqual(row.status, 0, row.stderr)
    XCTAssertTrue(row.stdout.hasPrefix(#"{"user_id":"u7""#), row.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir + "/online/online.db-shm"))
  }

  /// Runs a tool to completion; its exit status.
  static func shell(_ tool: String, _ args: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = args
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
