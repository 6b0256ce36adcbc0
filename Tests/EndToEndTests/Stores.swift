import Foundation
import TestSupport
import XCTest

/// One ingestion setup: an embedded broker, a topic holding a workload, a data dir, a config.
final class IngestionFixture {
  let broker: EmbeddedBrokerProcess
  let topic: String
  let directory: TemporaryDirectory
  let workload: Workload

  /// `keep` picks the workload's lines to produce (all of them by default).
  init(
    partitions: Int = 4, writes: Int = 1500, seed: UInt64 = 42,
    keep: ((String) -> Bool)? = nil
  ) throws {
    topic = "features"
    broker = try EmbeddedBrokerProcess(partitions: partitions, topic: topic)
    directory = try TemporaryDirectory("idemstream-e2e")
    var workload = Workload(writes: writes, seed: seed)
    if let keep { workload.lines = workload.lines.filter(keep) }
    self.workload = workload
    let produced = try Idemstream.run(
      ["produce", "--bootstrap", broker.bootstrap, "--topic", topic], stdin: workload.jsonl)
    XCTAssertEqual(produced.status, 0, produced.stderr)
  }

  /// Writes a config for a data dir under this fixture's directory and returns its path.
  /// `onlineURL` puts the online store in PostgreSQL (`online.url`).
  func config(
    name: String, groupID: String? = nil, maxRowsPerCommit: Int = 2000, onlineURL: String? = nil
  ) throws -> String {
    let dataDir = directory.url.appendingPathComponent(name).path
    let path = directory.url.appendingPathComponent("\(name).yaml").path
    var text = Workload.config(
      bootstrap: broker.bootstrap, topic: topic, dataDir: dataDir, groupID: groupID ?? name,
      maxRowsPerCommit: maxRowsPerCommit)
    if let onlineURL { text += "\nonline:\n  url: \"\(onlineURL)\"\n" }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func dataDir(_ name: String) -> String { directory.url.appendingPathComponent(name).path }

  /// `run --stop-at-end`, asserting it succeeded.
  func runToEnd(_ config: String, environment: [String: String] = [:]) throws -> CommandResult {
    let result = try Idemstream.run(
      ["run", "--config", config, "--stop-at-end"], environment: environment)
    XCTAssertEqual(result.status, 0, "run failed: \(result.stderr)")
    return result
  }

  /// Dumps the online store of every group into a folder, for stores.py.
  func dumpOnline(_ config: String, into folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for group in ["user_stats", "merchant_daily"] {
      let dump = try Idemstream.run(["online", "dump", "--config", config, "--group", group])
      XCTAssertEqual(dump.status, 0, dump.stderr)
      try dump.stdout.write(toFile: "\(folder)/\(group).jsonl", atomically: true, encoding: .utf8)
    }
  }

  /// Both stores' logical contents as one canonical JSON document (read by deltalake).
  func snapshot(_ name: String) throws -> String {
    let config = directory.url.appendingPathComponent("\(name).yaml").path
    let folder = directory.url.appendingPathComponent("\(name)-dump").path
    try dumpOnline(config, into: folder)
    return try Python.run(
      try interopScript("stores.py"), ["snapshot", dataDir(name), Workload.groupsJSON, folder])
  }

  /// Checks CONTRACT.md section 6 invariants 1–3 against every record in the topic.
  func checkInvariants(_ name: String) throws -> [String: Any] {
    let config = directory.url.appendingPathComponent("\(name).yaml").path
    let folder = directory.url.appendingPathComponent("\(name)-dump").path
    try dumpOnline(config, into: folder)
    let out: String
    do {
      out = try Python.run(
        try interopScript("stores.py"),
        ["invariants", broker.bootstrap, topic, dataDir(name), Workload.groupsJSON, folder])
    } catch let failure as Python.Failure {
      XCTFail("invariants violated: \(failure)")
      throw failure
    }
    return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
  }

  func tearDown() {
    broker.stop()
    directory.remove()
  }
}

/// The text of a script in Tests/interop, run with `python -c`.
func interopScript(_ name: String) throws -> String {
  let url = Python.packageRoot.appendingPathComponent("Tests/interop/\(name)")
  let text = try String(contentsOf: url, encoding: .utf8)
  // `python -c` has no __file__; the scripts don't need one.
  return text
}
