import Foundation
import TestSupport
import XCTest

/// The built binary against the embedded broker with its online store in PostgreSQL (a
/// private cluster for the class): the same rows as the embedded store, `verify` agreeing,
/// `online get` answering, a `kill -9` and a server restart losing and doubling nothing,
/// and a refused login or a missing database stopping `run` with the reason.
final class PostgresEndToEndTests: XCTestCase {
  nonisolated(unsafe) static var server: PostgresServer?
  nonisolated(unsafe) static var database = ""
  nonisolated(unsafe) static var startFailure: String?

  override class func setUp() {
    super.setUp()
    do {
      let started = try PostgresServer()
      server = started
      database = try started.createDatabase("e2e")
    } catch {
      startFailure = "\(error)"
    }
  }

  override class func tearDown() {
    server?.stop()
    server = nil
    super.tearDown()
  }

  func postgres() throws -> PostgresServer {
    if let startFailure = Self.startFailure { XCTFail("PostgreSQL did not start: \(startFailure)") }
    return try XCTUnwrap(Self.server)
  }

  func url() throws -> String { try postgres().url(database: Self.database) }

  /// `run` into PostgreSQL gives byte for byte the stores an embedded run gives; `verify`
  /// agrees, `online get` answers, and psql counts the rows `online dump` shows.
  func testRunIntoPostgresEqualsTheEmbeddedStoreAndVerifyAgrees() throws {
    let fixture = try IngestionFixture(writes: 1500)
    defer { fixture.tearDown() }
    let embedded = try fixture.config(name: "embedded", maxRowsPerCommit: 300)
    _ = try fixture.runToEnd(embedded)
    let config = try fixture.config(name: "pg", maxRowsPerCommit: 300, onlineURL: try url())
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try fixture.snapshot("pg"), try fixture.snapshot("embedded"))
    let report = try fixture.checkInvariants("pg")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")

    let verify = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    let dump = try Idemstream.run(["online", "dump", "--config", config, "--group", "user_stats"])
    XCTAssertEqual(dump.status, 0, dump.stderr)
    let lines = dump.stdout.split(separator: "\n")
    let first = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(lines.first).utf8))
        as? [String: Any])
    let key = try XCTUnwrap(first["user_id"] as? String)
    let get = try Idemstream.run(
      ["online", "get", "--config", config, "--group", "user_stats", key, "--with-version"])
    XCTAssertEqual(get.status, 0, get.stderr)
    XCTAssertTrue(get.stdout.contains("\"_table_version\":"), get.stdout)
    let embeddedGet = try Idemstream.run(
      ["online", "get", "--config", embedded, "--group", "user_stats", key])
    let plainGet = try Idemstream.run(
      ["online", "get", "--config", config, "--group", "user_stats", key])
    XCTAssertEqual(plainGet.stdout, embeddedGet.stdout)
    let counted = try postgres().psql(
      "SELECT count(*) FROM pg.user_stats_v1 WHERE NOT _deleted", database: Self.database)
    XCTAssertEqual(counted, "\(lines.count)\n")
    let status = try Idemstream.run(["status", "--config", config, "--json"])
    XCTAssertEqual(status.status, 0, status.stderr)
    XCTAssertTrue(
      status.stdout.contains("\"lag\":0") || status.stdout.contains("\"lag\" : 0"), status.stdout)
  }

  /// `kill -9` at random moments mid-stream, then a run to the end: the same rows online
  /// and offline as an uninterrupted run.
  func testKillNineMidStreamThenRestartEqualsAnUninterruptedRun() throws {
    let fixture = try IngestionFixture(writes: 3000)
    defer { fixture.tearDown() }
    let reference = try fixture.config(
      name: "pgreference", maxRowsPerCommit: 60, onlineURL: try url())
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("pgreference")
    let config = try fixture.config(name: "pgkilled", maxRowsPerCommit: 60, onlineURL: try url())
    var random = SplitMix64(seed: 19)
    try CrashTests.killNine(
      times: 5, config: config, dataDir: fixture.dataDir("pgkilled"), pauseMicroseconds: 150_000,
      random: &random)
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try fixture.snapshot("pgkilled"), expected)
    let report = try fixture.checkInvariants("pgkilled")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    let verify = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    print(
      "RELIABILITY | postgres online store, kill -9 ×5 | \(CrashTests.inOut(report)) "
        + "| stores = uninterrupted run")
  }

  /// Permanent failures stop `run` at once with the reason and a non-zero exit.
  func testAWrongPasswordOrAMissingDatabaseStopsRunWithTheReason() throws {
    let fixture = try IngestionFixture(writes: 50)
    defer { fixture.tearDown() }
    let server = try postgres()
    let cases = [
      (server.url(database: Self.database, password: "not-the-password"), "refused the login"),
      (server.url(database: "no_such_database"), "no_such_database"),
    ]
    for (index, (url, reason)) in cases.enumerated() {
      let config = try fixture.config(name: "refused\(index)", onlineURL: url)
      let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
      XCTAssertNotEqual(run.status, 0, run.stderr)
      XCTAssertTrue(run.stderr.contains(reason), run.stderr)
      XCTAssertFalse(run.stderr.contains("not-the-password"), "no password in: \(run.stderr)")
    }
  }

  /// PostgreSQL restarted (`pg_ctl restart -m immediate`) while `run` commits: the service
  /// logs the failed commit, retries the batch in hand and ends with the stores an
  /// uninterrupted run gives; verify agrees.
  func testAPostgresRestartDuringIngestionLosesAndDoublesNothing() throws {
    let fixture = try IngestionFixture(writes: 3000)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "embeddedref", maxRowsPerCommit: 60)
    _ = try fixture.runToEnd(reference)
    let expected = try fixture.snapshot("embeddedref")
    let config = try fixture.config(
      name: "pgrestart", maxRowsPerCommit: 60, onlineURL: try url())
    let logs = ["user_stats_v1", "merchant_daily_v2"].map {
      fixture.dataDir("pgrestart") + "/offline/\($0)/_delta_log"
    }
    let run = try Idemstream.start(["run", "--config", config, "--stop-at-end"])
    let deadline = Date().addingTimeInterval(30)
    while CrashTests.logEntries(logs) < 8 && run.process.isRunning && Date() < deadline {
      usleep(2_000)
    }
    XCTAssertTrue(run.process.isRunning, "the run ended before the restart: \(run.stderr)")
    try postgres().restartImmediately()
    XCTAssertEqual(run.wait(), 0, run.stderr)
    XCTAssertTrue(run.stderr.contains("commit failed; retrying the same batch"), run.stderr)
    XCTAssertTrue(run.stderr.contains("cannot reach PostgreSQL"), run.stderr)
    XCTAssertEqual(try fixture.snapshot("pgrestart"), expected)
    let report = try fixture.checkInvariants("pgrestart")
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
    let verify = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    print(
      "RELIABILITY | postgres restarted (-m immediate) during run | \(CrashTests.inOut(report)) "
        + "| stores = uninterrupted run, verify agrees")
  }
}
