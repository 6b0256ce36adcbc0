import Foundation
import TestSupport
import XCTest

/// Every `--json` document in one naming style (issue 17): idemstream's own member names are
/// snake_case at every depth, while the names that come from the config — group, table and
/// column names — are data and keep the config's spelling. The group here is `UserStats`
/// with columns `userId`, `Clicks` and `spendTotal`, so a tool that renamed data, or let a
/// camelCase name of its own through, fails.
final class JSONOutputTests: XCTestCase {
  /// One broker, 12 writes of `UserStats` (2 re-sent, 1 conflict) and 4 dead letters.
  final class Fixture {
    let broker: EmbeddedBrokerProcess
    let directory: TemporaryDirectory
    let config: String
    var dataDir: String { directory.path + "/data" }
    let produced: CommandResult

    static let writes = (0..<12).map { index in
      #"{"feature_group":"UserStats","key":{"userId":"u\#(index)"},"#
        + #""event_time":\#(1_767_225_600_000 + index),"#
        + #""values":{"Clicks":\#(index),"spendTotal":\#(Double(index) + 0.5)},"#
        + #""idempotency_key":"w-\#(index)"}"#
    }
    static let lines =
      writes + writes.prefix(2) + [
        #"{"feature_group":"UserStats","key":{"userId":"u3"},"event_time":1767225600003,"#
          + #""values":{"Clicks":999},"idempotency_key":"w-3"}"#,
        "null", "nul{", "[1]", #"{"feature_group":"nope","key":{},"event_time":1}"#,
      ]

    init() throws {
      broker = try EmbeddedBrokerProcess(partitions: 2)
      directory = try TemporaryDirectory("idemstream-json")
      config = directory.path + "/config.yaml"
      try """
      kafka:
        bootstrap_servers: "\(broker.bootstrap)"
        topics: [features]
        group_id: json
      data_dir: ./data
      offline:
        commit_interval_ms: 200
      feature_groups:
        - name: UserStats
          primary_key: [userId]
          features:
            userId: string
            Clicks: bigint
            spendTotal: double
      """.write(toFile: config, atomically: true, encoding: .utf8)
      produced = try Idemstream.run(
        ["produce", "--bootstrap", broker.bootstrap, "--topic", "features", "--json"],
        stdin: Data((Self.lines.joined(separator: "\n") + "\n").utf8))
      XCTAssertEqual(produced.status, 0, produced.stderr)
    }

    /// Runs a command that prints JSON and returns its documents (one, or one per line).
    func json(
      _ args: [String], status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line
    )
      throws -> [Any]
    {
      let result = try Idemstream.run(args)
      XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
      return try result.stdout.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed])
      }
    }

    /// Changes the online store behind the service: u1 deleted, u2's clicks altered, an
    /// entity `intruder` added.
    func tamper() throws {
      _ = try Python.run(
        """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1] + "/online/online.db")
        db.execute('DELETE FROM "UserStats_v1" WHERE "userId" = ?', ("u1",))
        db.execute('UPDATE "UserStats_v1" SET "Clicks" = 999 WHERE "userId" = ?', ("u2",))
        db.execute('INSERT INTO "UserStats_v1" ("userId", event_time, _partition, _offset,'
                   ' _deleted, "Clicks") VALUES (?, 1, 0, 0, 0, 1)', ("intruder",))
        db.commit()
        """, [dataDir])
    }

    func tearDown() {
      broker.stop()
      directory.remove()
    }
  }

  /// Member names that are not snake_case in `document`, as paths (`groups.[].examples`).
  /// The members of an object whose path matches one of `dataObjects` (regular expressions
  /// over the path, `*` standing for a data name in it) are data and not checked; what lies
  /// below them is. `checked` counts the names looked at.
  static func violations(_ document: Any, dataObjects: [String], checked: inout Int) -> [String] {
    var found: [String] = []
    func walk(_ value: Any, _ path: String) {
      if let array = value as? [Any] {
        for element in array { walk(element, path.isEmpty ? "[]" : path + ".[]") }
      } else if let object = value as? [String: Any] {
        let isData = dataObjects.contains { path.range(of: $0, options: .regularExpression) != nil }
        for (name, member) in object {
          if !isData {
            checked += 1
            if name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
              found.append(path.isEmpty ? name : path + "." + name)
            }
          }
          let step = isData ? "*" : name
          walk(member, path.isEmpty ? step : path + "." + step)
        }
      }
    }
    walk(document, "")
    return found
  }

  /// Every command with `--json` — produce, run, replay (and --dry-run), verify, status,
  /// dead-letters, offline read and join, maintenance optimize and vacuum. Data names are
  /// the group names under `groups`, the table names under `versions`, and the columns of
  /// verify's keys and rows; each of those is also checked to be the config's spelling.
  func testEveryMemberNameIsSnakeCaseExceptTheConfigsNames() throws {
    let fixture = try Fixture()
    defer { fixture.tearDown() }
    let config = fixture.config
    let directory = fixture.directory.path
    try "userId,event_time,label\nu1,2026-01-02T00:00:00Z,1\nu5,2026-01-02T00:00:00Z,0\n"
      .write(toFile: directory + "/entities.csv", atomically: true, encoding: .utf8)
    let groups = #"^groups$"#
    let verifyRows = #"^groups\.\[\]\.examples\.[a-z]+\.\[\]\.(key|online|offline)$"#
    var documents: [(command: String, documents: [Any], dataObjects: [String])] = [
      (
        "produce",
        [try JSONSerialization.jsonObject(with: Data(fixture.produced.stdout.utf8))], []
      ),
      (
        "run",
        try fixture.json(["run", "--config", config, "--stop-at-end", "--json"]), [groups]
      ),
      (
        "replay --dry-run",
        try fixture.json(["replay", "--config", config, "--from-beginning", "--dry-run", "--json"]),
        [groups]
      ),
      (
        "replay",
        try fixture.json(["replay", "--config", config, "--from-beginning", "--json"]), [groups]
      ),
      ("status", try fixture.json(["status", "--config", config, "--json"]), []),
      ("dead-letters", try fixture.json(["dead-letters", "--config", config, "--json"]), []),
      (
        "offline read",
        try fixture.json([
          "offline", "read", "--config", config, "--group", "UserStats", "--out",
          directory + "/read.parquet", "--json",
        ]), []
      ),
      (
        "offline join",
        try fixture.json([
          "offline", "join", "--config", config, "--entities", directory + "/entities.csv",
          "--features", "UserStats:*", "--out", directory + "/join.parquet", "--json",
        ]), [#"^versions$"#]
      ),
      (
        "maintenance optimize",
        try fixture.json(["maintenance", "optimize", "--config", config, "--json"]), []
      ),
      (
        "maintenance vacuum",
        try fixture.json(["maintenance", "vacuum", "--config", config, "--json"]), []
      ),
    ]
    try fixture.tamper()
    documents.append(
      (
        "verify",
        try fixture.json(["verify", "--config", config, "--json"], status: 1), [verifyRows]
      ))
    for (command, found, dataObjects) in documents {
      XCTAssertFalse(found.isEmpty, "\(command) printed no JSON")
      var checked = 0
      for document in found {
        XCTAssertEqual(
          Self.violations(document, dataObjects: dataObjects, checked: &checked), [],
          "\(command): \(document)")
      }
      XCTAssertGreaterThan(checked, 0, command)
    }

    // The data names are the config's, unchanged.
    let run = try XCTUnwrap(documents[1].documents.first as? [String: Any])
    XCTAssertEqual((run["groups"] as? [String: Any])?.keys.sorted(), ["UserStats"])
    XCTAssertEqual(
      run["dead_letters"] as? [String: Int],
      [
        "conflict": 1, "invalid_json": 1, "not_an_object": 1, "null_value": 1,
        "unknown_feature_group": 1,
      ])
    let stages = try XCTUnwrap(run["stage_nanoseconds"] as? [String: Int])
    XCTAssertTrue(Set(stages.keys).isSuperset(of: ["decode", "dedup", "offline", "online"]))
    XCTAssertNotNil(run["first_record_at_millis"] as? Int)
    XCTAssertNotNil(run["last_commit_at_millis"] as? Int)
    let join = try XCTUnwrap(documents[7].documents.first as? [String: Any])
    XCTAssertEqual((join["versions"] as? [String: Int])?.keys.sorted(), ["UserStats_v1"])
    let verify = try XCTUnwrap(documents[10].documents.first as? [String: Any])
    let examples = try XCTUnwrap(
      (verify["groups"] as? [[String: Any]])?.first?["examples"] as? [String: [[String: Any]]])
    XCTAssertEqual(
      (examples["differing"]?.first?["online"] as? [String: Any])?.keys.sorted(),
      ["Clicks", "event_time", "spendTotal", "userId"])
  }

  /// `verify --json` holds each example's key and rows as JSON objects of their columns,
  /// with JSON values (numbers, null), not as JSON text inside strings; a store without the
  /// entity has no member for it.
  func testVerifyRowsAreJSONObjects() throws {
    let fixture = try Fixture()
    defer { fixture.tearDown() }
    _ = try fixture.json(["run", "--config", fixture.config, "--stop-at-end", "--json"])
    try fixture.tamper()
    let report = try XCTUnwrap(
      try fixture.json(["verify", "--config", fixture.config, "--json"], status: 1).first
        as? [String: Any])
    XCTAssertEqual(report["agree"] as? Bool, false)
    let group = try XCTUnwrap((report["groups"] as? [[String: Any]])?.first)
    XCTAssertEqual(group["group"] as? String, "UserStats")
    let examples = try XCTUnwrap(group["examples"] as? [String: [[String: Any]]])
    func row(_ userId: String, _ eventTime: String, _ clicks: Int, _ spend: Any) -> NSDictionary {
      ["userId": userId, "event_time": eventTime, "Clicks": clicks, "spendTotal": spend]
    }
    XCTAssertEqual(
      examples["missing"].map { $0 as NSArray },
      [
        [
          "key": ["userId": "u1"],
          "offline": row("u1", "2026-01-01T00:00:00.001000Z", 1, 1.5),
        ]
      ] as NSArray)
    XCTAssertEqual(
      examples["differing"].map { $0 as NSArray },
      [
        [
          "key": ["userId": "u2"],
          "online": row("u2", "2026-01-01T00:00:00.002000Z", 999, 2.5),
          "offline": row("u2", "2026-01-01T00:00:00.002000Z", 2, 2.5),
        ]
      ] as NSArray)
    XCTAssertEqual(
      examples["extra"].map { $0 as NSArray },
      [
        [
          "key": ["userId": "intruder"],
          "online": row("intruder", "1970-01-01T00:00:00.000001Z", 1, NSNull()),
        ]
      ] as NSArray)
  }
}
