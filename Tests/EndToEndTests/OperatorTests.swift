import Foundation
import TestSupport
import XCTest

/// The operator's rough edges (issue 17): what the command line says when it is given
/// something it cannot use. Each refusal is one line on standard error that names the flag
/// or key and the fix, with a non-zero exit status.
final class OperatorTests: XCTestCase {
  /// A config that points at a closed port: the commands below fail before they would
  /// reach it, so no broker is needed.
  static func unreachableConfig(in directory: TemporaryDirectory) throws -> String {
    let path = directory.url.appendingPathComponent("unreachable.yaml").path
    try """
    kafka:
      bootstrap_servers: "127.0.0.1:1"
      topics: [features]
    data_dir: ./data
    \(Workload.configGroups)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Asserts `result` is a failure (exit 1) whose standard error is exactly `line`.
  static func assertRefused(
    _ result: CommandResult, _ line: String, file: StaticString = #filePath,
    line number: UInt = #line
  ) {
    XCTAssertEqual(result.status, 1, result.stderr, file: file, line: number)
    XCTAssertEqual(result.stderr, line + "\n", file: file, line: number)
  }

  func testVersionPrintsOneLine() throws {
    let result = try Idemstream.run(["--version"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stdout, "idemstream 0.1.0\n")
    XCTAssertEqual(result.stderr, "")
  }

  /// A bad `--log-level` is refused by every command that takes one, before it does anything.
  func testBadLogLevelIsRefusedByName() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let config = try Self.unreachableConfig(in: directory)
    let accepted = "trace, debug, info, notice, warning, error, critical"
    for args in [
      ["run", "--config", config, "--stop-at-end"],
      ["status", "--config", config],
      ["demo", "--data-dir", directory.url.appendingPathComponent("demo").path],
    ] {
      let result = try Idemstream.run(args + ["--log-level", "loud"])
      Self.assertRefused(
        result, "Error: --log-level 'loud' is not a log level — use one of \(accepted)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/data"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/demo"))
  }

  func testBadMetricsPortIsRefusedByName() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let config = try Self.unreachableConfig(in: directory)
    for value in ["abc", "0", "70000", "-5"] {
      let result = try Idemstream.run(["run", "--config", config, "--metrics-port=\(value)"])
      Self.assertRefused(
        result,
        "Error: --metrics-port '\(value)' is not a port — give a whole number from 1 to 65535")
    }
  }

  /// A metrics port something else listens on is named, with the flag, before the service
  /// starts (nothing is created under the data dir).
  func testMetricsPortInUseNamesThePortAndTheFlag() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let config = try Self.unreachableConfig(in: directory)
    let listener = try ListeningSocket()
    defer { listener.stopListening() }
    let result = try Idemstream.run([
      "run", "--config", config, "--stop-at-end", "--metrics-port", "\(listener.port)",
    ])
    Self.assertRefused(
      result,
      "Error: --metrics-port \(listener.port): the port is already in use — stop what listens "
        + "there, or give --metrics-port another port")
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/data"))
  }

  /// `demo --data-dir` refuses a directory that holds anything but a previous demo (and a
  /// file), leaving it as it was, before the broker starts.
  func testDemoRefusesADirectoryThatIsNotADemos() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let precious = directory.url.appendingPathComponent("precious.txt")
    try "keep me\n".write(to: precious, atomically: true, encoding: .utf8)
    let result = try Idemstream.run(["demo", "--data-dir", directory.path])
    Self.assertRefused(
      result,
      "Error: demo: refusing to clear \(directory.path): it is not empty and not a previous "
        + "demo's (no .idemstream-demo in it) — give --data-dir a new or empty directory, or "
        + "remove it yourself")
    XCTAssertEqual(result.stdout, "", "nothing started")
    XCTAssertEqual(try String(contentsOf: precious, encoding: .utf8), "keep me\n")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).count, 1)

    let onFile = try Idemstream.run(["demo", "--data-dir", precious.path])
    Self.assertRefused(
      onFile,
      "Error: demo: \(precious.path) is a file, not a directory — give --data-dir a new or "
        + "empty directory")
    XCTAssertEqual(try String(contentsOf: precious, encoding: .utf8), "keep me\n")
  }

  /// A new directory gets the marker; a second demo into it clears the first one's files
  /// (a stray file left there is gone) and succeeds; an empty directory is taken as is.
  func testDemoResetsAPreviousDemoAndTakesAnEmptyDirectory() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let demo = directory.url.appendingPathComponent("demo").path
    let first = try Idemstream.run(["demo", "--data-dir", demo])
    XCTAssertEqual(first.status, 0, first.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: demo + "/.idemstream-demo"))
    // The demo ends with a training set: u25 was deleted in round 4, so its label row of
    // 00:06 gets nulls, and its row of 00:12 the write that re-created it.
    XCTAssertTrue(first.stdout.contains("training set: 12 labelled rows"), first.stdout)
    XCTAssertTrue(
      first.stdout.contains(
        #"{"user_id":"u25","event_time":"2026-01-01T00:06:00.000000Z","label":1,"#
          + #""user_stats__clicks":null,"user_stats__spend":null,"user_stats__country":null}"#),
      first.stdout)
    let read = try Python.run(
      """
      import sys, pyarrow.parquet as pq
      t = pq.read_table(sys.argv[1])
      print(t.num_rows, ",".join(t.column_names))
      """, [demo + "/training-set.parquet"])
    XCTAssertEqual(
      read, "12 user_id,event_time,label,user_stats__clicks,user_stats__spend,user_stats__country\n"
    )
    let stray = demo + "/stray.txt"
    XCTAssertTrue(FileManager.default.createFile(atPath: stray, contents: Data("x".utf8)))
    let second = try Idemstream.run(["demo", "--data-dir", demo])
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertTrue(second.stdout.contains("stores agree"), second.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: stray), "the previous demo was cleared")

    let empty = directory.url.appendingPathComponent("empty").path
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
    let third = try Idemstream.run(["demo", "--data-dir", empty])
    XCTAssertEqual(third.status, 0, third.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: empty + "/online/online.db"))
  }

  /// `kafka.bootstrap_servers: ""` is a config error naming the key, the line and the fix;
  /// without the key, `run` still starts the embedded broker.
  func testEmptyBootstrapServersIsAConfigError() throws {
    let directory = try TemporaryDirectory("idemstream-operator")
    defer { directory.remove() }
    let unreachable = try Self.unreachableConfig(in: directory)
    let text = try String(contentsOfFile: unreachable, encoding: .utf8)
    let empty = directory.url.appendingPathComponent("empty.yaml").path
    try text.replacingOccurrences(of: "\"127.0.0.1:1\"", with: "\"\"")
      .write(toFile: empty, atomically: true, encoding: .utf8)
    let refused = try Idemstream.run(["run", "--config", empty, "--stop-at-end"])
    Self.assertRefused(
      refused,
      "Error: \(empty):2: kafka.bootstrap_servers is empty — give host:port (e.g. broker:9092), "
        + "or leave the key out for the embedded broker")
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/data"))

    let embedded = directory.url.appendingPathComponent("embedded.yaml").path
    try text.replacingOccurrences(of: "  bootstrap_servers: \"127.0.0.1:1\"\n", with: "")
      .write(toFile: embedded, atomically: true, encoding: .utf8)
    let run = try Idemstream.run(["run", "--config", embedded, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertTrue(run.stderr.contains("started the embedded broker"), run.stderr)
  }

  /// A relative `data_dir` is the config file's directory's, whatever the working directory
  /// of `run` and of the read tools.
  func testRelativeDataDirIsTakenFromTheConfigFilesDirectory() throws {
    let fixture = try IngestionFixture(writes: 200)
    defer { fixture.tearDown() }
    let configs = fixture.directory.url.appendingPathComponent("configs")
    let elsewhere = fixture.directory.url.appendingPathComponent("elsewhere")
    for folder in [configs, elsewhere] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    let config = configs.appendingPathComponent("relative.yaml").path
    try Workload.config(
      bootstrap: fixture.broker.bootstrap, topic: fixture.topic, dataDir: "./store",
      groupID: "relative"
    ).write(toFile: config, atomically: true, encoding: .utf8)
    let run = try Idemstream.run(
      ["run", "--config", "../configs/relative.yaml", "--stop-at-end"],
      currentDirectory: elsewhere.path)
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: configs.path + "/store/online/online.db"),
      "the stores are beside the config")
    XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere.path + "/store"))
    let status = try Idemstream.run(
      ["status", "--config", "configs/relative.yaml", "--json"],
      currentDirectory: fixture.directory.path)
    XCTAssertEqual(status.status, 0, status.stderr)
    let doc = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
    let partitions = try XCTUnwrap(doc["partitions"] as? [[String: Any]])
    XCTAssertEqual(partitions.count, 4)
    XCTAssertTrue(partitions.allSatisfy { $0["lag"] as? Int == 0 }, "\(partitions)")
  }

  /// `online get` and `offline history` treat an absent key alike: the rows of the keys
  /// found on standard output, one line naming the absent keys on standard error, exit 1.
  func testAbsentKeyIsOneLineAndExitOneForBothStores() throws {
    let fixture = try IngestionFixture(writes: 200)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let group = ["--config", config, "--group", "user_stats"]

    let present = try Idemstream.run(["online", "get"] + group + ["u7"])
    XCTAssertEqual(present.status, 0, present.stderr)
    XCTAssertEqual(present.stderr, "")
    let row = present.stdout
    XCTAssertTrue(row.hasPrefix(#"{"user_id":"u7""#), row)
    let online = try Idemstream.run(["online", "get"] + group + ["nobody", "u7", "ghost"])
    Self.assertRefused(
      online,
      "Error: no online row of group 'user_stats' for keys nobody, ghost — check the key; a "
        + "deleted entity has none (`offline history` shows its writes)")
    XCTAssertEqual(online.stdout, row, "the key found is still printed")

    let history = try Idemstream.run(["offline", "history"] + group + ["--json", "u7"])
    XCTAssertEqual(history.status, 0, history.stderr)
    XCTAssertEqual(history.stderr, "")
    XCTAssertFalse(history.stdout.isEmpty)
    let offline = try Idemstream.run(["offline", "history"] + group + ["--json", "nobody"])
    let version = try Python.run(
      """
      import sys
      from deltalake import DeltaTable
      print(DeltaTable(sys.argv[1]).version())
      """, [fixture.dataDir("a") + "/offline/user_stats_v1"]
    ).trimmingCharacters(in: .whitespacesAndNewlines)
    Self.assertRefused(
      offline,
      "Error: no offline row of group 'user_stats' for key nobody at table version \(version) — "
        + "check the key, or give --as-of a later version")
    XCTAssertEqual(offline.stdout, "")
  }
}

/// A TCP socket listening on a port the kernel picked, on every address: what a process
/// already serving that port looks like to `run --metrics-port`.
final class ListeningSocket {
  let descriptor: Int32
  let port: Int

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.descriptor = descriptor
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = INADDR_ANY
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(descriptor, pointer, length) == 0 && listen(descriptor, 4) == 0
          && getsockname(descriptor, pointer, &length) == 0
      }
    }
    guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  func stopListening() { close(descriptor) }
}
