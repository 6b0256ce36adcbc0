import Foundation
import TestSupport
import XCTest

/// The service with its offline tables on S3 (`offline.url: s3://...`, a real moto_server):
/// the same rows as on a local disk, across kill -9, a hung server, and stopping with the
/// reason when the bucket is missing.
final class S3StorageTests: XCTestCase {
  var moto: MotoServer!
  var fixture: IngestionFixture!

  override func setUpWithError() throws {
    moto = try MotoServer(bucket: "idemstream-e2e")
    // The service and stores.py take credentials and region from the environment.
    for (key, value) in moto.environment { setenv(key, value, 1) }
    fixture = try IngestionFixture(writes: 1500)
  }

  override func tearDown() {
    fixture?.tearDown()
    moto?.stop()
    unsetenv("IDEMSTREAM_TEST_OFFLINE_URL")
    unsetenv("IDEMSTREAM_TEST_S3_ENDPOINT")
  }

  func offlineURL(_ name: String) -> String { "s3://\(moto.bucket)/runs/\(name)" }

  /// A config whose offline tables are under `s3://bucket/runs/<name>`.
  func s3Config(_ name: String, bucket: String? = nil, maxRowsPerCommit: Int = 2000) throws
    -> String
  {
    let path = try fixture.config(name: name, maxRowsPerCommit: maxRowsPerCommit)
    let url = "s3://\(bucket ?? moto.bucket)/runs/\(name)"
    let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
      of: "offline:\n",
      with: """
        offline:
          url: \(url)
          s3: {endpoint: "\(moto.endpoint)", region: us-east-1, allow_http: true}

        """)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Both stores of a run, read as stores.py reads them (offline from S3 when asked).
  func snapshot(_ name: String, s3: Bool) throws -> String {
    if s3 {
      setenv("IDEMSTREAM_TEST_OFFLINE_URL", offlineURL(name), 1)
      setenv("IDEMSTREAM_TEST_S3_ENDPOINT", moto.endpoint, 1)
    }
    defer {
      unsetenv("IDEMSTREAM_TEST_OFFLINE_URL")
      unsetenv("IDEMSTREAM_TEST_S3_ENDPOINT")
    }
    return try fixture.snapshot(name)
  }

  func invariants(_ name: String) throws -> [String: Any] {
    setenv("IDEMSTREAM_TEST_OFFLINE_URL", offlineURL(name), 1)
    setenv("IDEMSTREAM_TEST_S3_ENDPOINT", moto.endpoint, 1)
    defer {
      unsetenv("IDEMSTREAM_TEST_OFFLINE_URL")
      unsetenv("IDEMSTREAM_TEST_S3_ENDPOINT")
    }
    return try fixture.checkInvariants(name)
  }

  func testRunOnS3MatchesALocalRunAndTheToolsReadIt() throws {
    let local = try fixture.config(name: "local", maxRowsPerCommit: 300)
    _ = try fixture.runToEnd(local)
    let config = try s3Config("s3", maxRowsPerCommit: 300)
    _ = try fixture.runToEnd(config)
    // Nothing of the S3 run is on the local disk but the online store.
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.dataDir("s3") + "/offline"))
    XCTAssertEqual(try snapshot("s3", s3: true), try snapshot("local", s3: false))
    let report = try invariants("s3")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")

    let verify = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    let localVerify = try Idemstream.run(["verify", "--config", local])
    XCTAssertEqual(verify.stdout, localVerify.stdout)
    for key in ["u1", "u7"] {
      let history = try Idemstream.run(
        ["offline", "history", "--config", config, "--group", "user_stats", "--json", key])
      XCTAssertEqual(history.status, 0, history.stderr)
      XCTAssertFalse(history.stdout.isEmpty, "no history for \(key)")
      let localHistory = try Idemstream.run(
        ["offline", "history", "--config", local, "--group", "user_stats", "--json", key])
      XCTAssertEqual(history.stdout, localHistory.stdout)
    }
    let vacuum = try Idemstream.run(["maintenance", "vacuum", "--config", config])
    XCTAssertEqual(vacuum.status, 0, vacuum.stderr)
    XCTAssertTrue(vacuum.stdout.contains("user_stats_v1"), vacuum.stdout)
    print(
      "RELIABILITY | offline on S3 (moto) | run, verify, offline history, vacuum | "
        + "\(CrashTests.inOut(report)) | stores = local run")
  }

  func testKillNineOnS3GivesTheUninterruptedRows() throws {
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 60)
    _ = try fixture.runToEnd(reference)
    let expected = try snapshot("reference", s3: false)
    let config = try s3Config("killed", maxRowsPerCommit: 60)
    var random = SplitMix64(seed: 11)
    for _ in 0..<4 {
      let run = try Idemstream.start(["run", "--config", config, "--stop-at-end"])
      usleep(useconds_t(1_500_000 + random.next() % 1_500_000))
      run.signal(SIGKILL)
      _ = run.wait()
    }
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try snapshot("killed", s3: true), expected)
    let report = try invariants("killed")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    print(
      "RELIABILITY | kill -9 ×4, offline on S3 | SIGKILL 1.5–3 s into a run, restart | "
        + "\(CrashTests.inOut(report)) | stores = uninterrupted run")
  }

  /// moto held still (SIGSTOP) for longer than the client's read timeout while the service
  /// commits: requests time out (transient), the batch is retried, and once the server
  /// answers again everything is there once.
  func testAHungServerLosesAndDoublesNothing() throws {
    let reference = try fixture.config(name: "reference", maxRowsPerCommit: 60)
    _ = try fixture.runToEnd(reference)
    let expected = try snapshot("reference", s3: false)
    let config = try s3Config("hung", maxRowsPerCommit: 60)
    let run = try Idemstream.start(["run", "--config", config, "--stop-at-end"])
    usleep(1_500_000)
    moto.pause()
    sleep(14)
    moto.resume()
    let status = run.wait()
    let stderr = (try? String(contentsOf: run.errURL, encoding: .utf8)) ?? ""
    XCTAssertEqual(status, 0, stderr)
    XCTAssertTrue(stderr.contains("commit failed; retrying the same batch"), stderr)
    XCTAssertTrue(stderr.contains("transient"), stderr)
    XCTAssertEqual(try snapshot("hung", s3: true), expected)
    let report = try invariants("hung")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    print(
      "RELIABILITY | S3 server hung 14 s (SIGSTOP) mid-run | timeouts retried | "
        + "\(CrashTests.inOut(report)) | stores = uninterrupted run")
  }

  func testAMissingBucketStopsRunWithTheReason() throws {
    let config = try s3Config("nobucket", bucket: "no-such-bucket")
    let result = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("NoSuchBucket"), result.stderr)
    XCTAssertTrue(result.stderr.contains("s3://no-such-bucket/"), result.stderr)
  }

  func testMissingCredentialsStopRunWithTheReason() throws {
    let config = try s3Config("nocreds")
    unsetenv("AWS_ACCESS_KEY_ID")
    defer { setenv("AWS_ACCESS_KEY_ID", MotoServer.accessKey, 1) }
    let result = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("AWS_ACCESS_KEY_ID"), result.stderr)
  }
}
