import Foundation
import TestSupport
import XCTest

@testable import Delta

/// Several processes writing one table, and a process killed mid-append.
final class ProcessTests: XCTestCase {
  /// The delta-bench binary next to the test bundle (SwiftPM builds it for this test target).
  private func deltaBench() throws -> URL {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
      Python.packageRoot.appendingPathComponent(".build/debug"),
    ].map { $0.appendingPathComponent("delta-bench") }
    guard
      let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
    else {
      throw UnexpectedOutput(text: "delta-bench not built; looked at \(candidates.map(\.path))")
    }
    return found
  }

  private func start(_ executable: URL, _ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    try process.run()
    return (process, output)
  }

  func testTwoOfOursAndDeltalakeAppendingAtOnceLoseNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = DeltaSchema([DeltaField("id", .long), DeltaField("name", .string)])
    _ = try DeltaTable.create(
      at: directory.url, schema: schema, configuration: ["delta.checkpointInterval": "7"])
    let bench = try deltaBench()
    let commits = 15
    let ours = try [0, 1].map { writer in
      try start(
        bench,
        [
          "append", "--table", directory.path, "--commits", "\(commits)", "--rows", "3",
          "--app-id", "ours-\(writer)", "--first-offset", "\(1 + writer * 1000)",
        ])
    }
    let python = try start(
      URL(fileURLWithPath: Python.interpreter),
      [
        "-c",
        """
        import sys, pyarrow as pa
        from deltalake import write_deltalake, CommitProperties, Transaction
        for i in range(int(sys.argv[2])):
            ids = [100000 + i * 3 + k for k in range(3)]
            t = pa.table({"id": pa.array(ids, pa.int64()), "name": [f"py-{x}" for x in ids]})
            write_deltalake(sys.argv[1], t, mode="append",
                commit_properties=CommitProperties(app_transactions=[Transaction(app_id="python", version=i)]))
            print(i, flush=True)
        """,
        directory.path, "\(commits)",
      ])
    var versions: [Int64] = []
    for (process, output) in ours {
      let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationStatus, 0)
      versions += text.split(separator: "\n").compactMap { Int64($0) }
    }
    _ = python.1.fileHandleForReading.readDataToEndOfFile()
    python.0.waitUntilExit()
    XCTAssertEqual(python.0.terminationStatus, 0)
    XCTAssertEqual(versions.count, 2 * commits)
    XCTAssertEqual(Set(versions).count, versions.count, "each of our commits got its own version")

    let table = try DeltaTable.open(at: directory.url)
    let snapshot = try table.snapshot()
    XCTAssertEqual(snapshot.version, Int64(3 * commits))
    XCTAssertEqual(try table.commits(after: 0).map(\.version), Array(1...Int64(3 * commits)))
    XCTAssertEqual(snapshot.files.count, 3 * commits)
    for appId in ["ours-0", "ours-1", "python"] {
      XCTAssertEqual(snapshot.transactionVersion(appId: appId), Int64(commits - 1), appId)
    }
    var expectedIds: [Int64] = []
    for writer in 0..<2 { expectedIds += (0..<(3 * commits)).map { Int64(1 + writer * 1000 + $0) } }
    expectedIds += (0..<(3 * commits)).map { Int64(100_000 + $0) }
    let ourIds = TestRows.rows(try table.read(columns: ["id"])).compactMap { $0["id"]?.int64Value }
    XCTAssertEqual(ourIds, expectedIds.sorted())
    let read = try PythonDelta.readVersions(table: directory.url, appIds: ["ours-0", "python"])
    XCTAssertEqual(read.ids.last, expectedIds.sorted())
    XCTAssertEqual(read.transactions, ["ours-0": Int64(commits - 1), "python": Int64(commits - 1)])
  }

  func testKilledBetweenDataFileAndCommitLeavesNothingVisible() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    try table.append(TestRows.columns([1, 2, 3]), appTransactions: [("app", 3)])
    let (process, output) = try start(
      try deltaBench(), ["crash-before-commit", "--table", directory.path])
    let orphan = String(
      decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self
    ).trimmingCharacters(in: .whitespacesAndNewlines)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .uncaughtSignal)
    XCTAssertEqual(process.terminationStatus, SIGKILL)
    XCTAssertFalse(orphan.isEmpty)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(orphan).path),
      "the data file was written")
    let snapshot = try DeltaTable.open(at: directory.url).snapshot()
    XCTAssertEqual(snapshot.version, 1)
    XCTAssertFalse(snapshot.files.contains { $0.path == orphan })
    XCTAssertEqual(TestRows.rows(try table.read()), TestRows.expected([1, 2, 3]))
    let read = try PythonDelta.readRows(table: directory.url, appIds: ["app"])
    XCTAssertEqual(read.rows.last, TestRows.expected([1, 2, 3]))
    XCTAssertEqual(read.transactions.last, ["app": 3])
    // The next writer carries on at the next version.
    XCTAssertEqual(try table.append(TestRows.columns([4])), 2)
  }
}
