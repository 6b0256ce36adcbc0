import Foundation
import TestSupport
import XCTest

/// What `run` says on its own (docs/reference.md, "Running the service"): the totals line
/// every `log.summary_interval`, one line at the end, a warning for a batch of mostly dead
/// letters, and exit status 0 with the dead letters named.
final class RunLoggingTests: XCTestCase {
  static let totals = LogLines.literal(KnownOutcomeStream.totalsBeforeCommits)
  static let deadLetterHint = " — 5 records were dead-lettered: `idemstream dead-letters --config "

  /// With `log.summary_interval: 1s`, a running service logs its totals each second; once
  /// the stream is in, the line has its exact counts, zero lag and a freshness. SIGTERM ends
  /// it with one warning line naming the dead letters, the totals on standard output, and
  /// exit status 0.
  func testRunLogsItsTotalsEveryIntervalAndOnceAtTheEnd() throws {
    let fixture = try KnownOutcomeFixture(extraConfig: "log:\n  summary_interval: 1s\n")
    defer { fixture.tearDown() }
    let service = try Idemstream.start(["run", "--config", fixture.config])
    defer { service.stop() }
    let complete =
      #"info idemstream: \[Ingestion\] running: "# + Self.totals
      + #" · commits \d+ · lag 0 · (freshness max \d+\.\d{3} s|no commit since the last line)"#
    let deadline = Date().addingTimeInterval(60)
    var lines: [String] = []
    while Date() < deadline, service.process.isRunning {
      lines = LogLines.untimed(service.stderr).filter { $0.contains("running: ") }
      if lines.contains(where: { LogLines.matches($0, complete) }) { break }
      usleep(200_000)
    }
    XCTAssertTrue(lines.contains { LogLines.matches($0, complete) }, service.stderr)
    // Every line before it has the same form, with the counts so far.
    let anyTotals =
      #"info idemstream: \[Ingestion\] running: consumed \d+ · new \d+ · duplicate \d+ · "#
      + #"stale \d+ · dead letters \d+( \([a-z_0-9 ,]+\))? · commits \d+ · "#
      + #"(lag \d+|lag unknown \(no partitions assigned\)) · "#
      + #"(freshness max \d+\.\d{3} s|no commit since the last line)"#
    for line in lines { XCTAssertTrue(LogLines.matches(line, anyTotals), line) }
    XCTAssertFalse(service.stderr.contains("most of a batch"), "5 of 28 is not most")

    service.signal(SIGTERM)
    XCTAssertEqual(service.wait(), 0, service.stderr)
    let last = try XCTUnwrap(LogLines.untimed(service.stderr).last)
    let end =
      #"warning idemstream: \[idemstream\] run ended \(stopped by a signal\): "# + Self.totals
      + #" · commits (\d+)"#
      + LogLines.literal(Self.deadLetterHint + fixture.config + "` lists them")
    let commits = try XCTUnwrap(LogLines.capture(last, end), last)
    XCTAssertEqual(
      service.readLine(), KnownOutcomeStream.totalsBeforeCommits + " · commits \(commits)",
      "standard output: the same totals")
  }

  /// A batch of which more than half was dead-lettered is a warning with the counts by
  /// reason and the fix; the run still exits 0, its end line a warning with the count.
  func testAMostlyDeadLetteredBatchIsWarnedAndTheRunExitsZero() throws {
    let bad = Array(repeating: #"{"feature_group":"#, count: 30)
    let fixture = try KnownOutcomeFixture(
      lines: Array(KnownOutcomeStream.writes.prefix(2)) + bad, partitions: 1)
    defer { fixture.tearDown() }
    let run = try Idemstream.run(["run", "--config", fixture.config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let lines = LogLines.untimed(run.stderr)
    let warning =
      #"warning idemstream: \[Ingestion\] most of a batch was dead-lettered: (\d+) of \d+ "#
      + #"records \(invalid_json \d+\) — check what the producers send against the feature "#
      + #"groups; `idemstream dead-letters` shows each record and its reason"#
    let warned = lines.filter { $0.contains("most of a batch") }
    XCTAssertFalse(warned.isEmpty, run.stderr)
    for line in warned { XCTAssertTrue(LogLines.matches(line, warning), line) }
    let warnedDead = warned.compactMap { LogLines.capture($0, warning).flatMap { Int($0) } }
    XCTAssertLessThanOrEqual(warnedDead.reduce(0, +), 30)
    let totals = "consumed 32 · new 2 · duplicate 0 · stale 0 · dead letters 30 (invalid_json 30)"
    let end =
      #"warning idemstream: \[idemstream\] run ended \(caught up\): "# + LogLines.literal(totals)
      + #" · commits (\d+) — 30 records were dead-lettered: "#
      + LogLines.literal("`idemstream dead-letters --config \(fixture.config)` lists them")
    let commits = try XCTUnwrap(LogLines.capture(try XCTUnwrap(lines.last), end), run.stderr)
    XCTAssertEqual(run.stdout, totals + " · commits \(commits)\n")
  }

  /// A run with no dead letter ends with one info line, and no warning at all.
  func testACleanRunEndsWithOneInfoLine() throws {
    let fixture = try KnownOutcomeFixture(lines: KnownOutcomeStream.writes)
    defer { fixture.tearDown() }
    let run = try Idemstream.run(["run", "--config", fixture.config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let lines = LogLines.untimed(run.stderr)
    XCTAssertFalse(lines.contains { $0.hasPrefix("warning") }, run.stderr)
    let totals = "consumed 20 · new 20 · duplicate 0 · stale 0 · dead letters 0"
    let end =
      #"info idemstream: \[idemstream\] run ended \(caught up\): "# + LogLines.literal(totals)
      + #" · commits (\d+)"#
    let commits = try XCTUnwrap(LogLines.capture(try XCTUnwrap(lines.last), end), run.stderr)
    XCTAssertEqual(run.stdout, totals + " · commits \(commits)\n")
  }
}
