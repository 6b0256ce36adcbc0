import XCTest

@testable import Ingestion

final class ConfigTests: XCTestCase {
  /// CONTRACT section 3, verbatim.
  static let contractExample = """
    kafka:
      bootstrap_servers: "127.0.0.1:9092"   # left out: the embedded broker (section 7)
      topics: [features]
      group_id: idemstream
      instance_id: ""                       # static membership id; empty: the host name
      settings: {}                          # passed to librdkafka as is
    data_dir: ./data
    offline:
      commit_interval_ms: 5000              # a commit at least this often while records flow
      max_rows_per_commit: 500000
      checkpoint_interval: 10               # Delta checkpoint every N versions
    dedup:
      window: 7d                            # how long an idempotency key is remembered
    feature_groups:
      - name: user_stats
        version: 1
        primary_key: [user_id]
        features:                           # ordered; primary-key columns are declared here too
          user_id: string
          clicks: bigint
          spend: double
          country: string
          active: boolean
    """

  func testLoadsTheContractExampleFromAFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-config-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("config.yaml").path
    try ConfigTests.contractExample.write(toFile: path, atomically: true, encoding: .utf8)

    let config = try IdemstreamConfig.load(path: path)
    XCTAssertEqual(config.kafka.bootstrapServers, "127.0.0.1:9092")
    XCTAssertEqual(config.kafka.topics, ["features"])
    XCTAssertEqual(config.kafka.groupID, "idemstream")
    XCTAssertEqual(config.kafka.instanceID, "")
    XCTAssertEqual(config.kafka.settings, [:])
    // Loaded from a file, `./data` is the file's directory's (docs/reference.md).
    XCTAssertEqual(config.dataDir, directory.path + "/data")
    XCTAssertEqual(
      config.offline,
      OfflineSettings(commitIntervalMillis: 5000, maxRowsPerCommit: 500_000, checkpointInterval: 10)
    )
    XCTAssertEqual(config.dedup.windowMillis, 7 * 86_400_000)
    XCTAssertEqual(config.maxRecordBytes, 1 << 20)
    XCTAssertEqual(config.featureGroups.count, 1)
    let group = config.featureGroups[0]
    XCTAssertEqual(group.name, "user_stats")
    XCTAssertEqual(group.version, 1)
    XCTAssertEqual(group.tableName, "user_stats_v1")
    XCTAssertEqual(group.primaryKey, ["user_id"])
    XCTAssertEqual(group.features.map(\.name), ["user_id", "clicks", "spend", "country", "active"])
    XCTAssertEqual(group.features.map(\.type), [.string, .bigint, .double, .string, .boolean])
    XCTAssertEqual(group.valueFeatures.map(\.name), ["clicks", "spend", "country", "active"])
  }

  func testDefaultsAndExtras() throws {
    let config = try IdemstreamConfig.parse(
      yaml: """
        kafka:
          topics: [a, b]
          settings:
            fetch.max.bytes: 1048576
            enable.partition.eof: false
          topic_groups: {b: orders}
        max_record_bytes: 2048
        feature_groups:
          - name: orders
            primary_key: [shop, order_id]
            features:
              zeta: double
              order_id: bigint
              shop: string
              at: timestamp
        """)
    XCTAssertNil(config.kafka.bootstrapServers)
    XCTAssertEqual(config.kafka.groupID, "idemstream")
    XCTAssertEqual(
      config.kafka.settings, ["fetch.max.bytes": "1048576", "enable.partition.eof": "false"])
    XCTAssertEqual(config.kafka.topicGroups, ["b": "orders"])
    XCTAssertEqual(config.dataDir, "./data")
    XCTAssertEqual(config.offline, OfflineSettings())
    XCTAssertEqual(config.dedup.windowMillis, DedupSettings.defaultWindowMillis)
    XCTAssertEqual(config.maxRecordBytes, 2048)
    let group = config.featureGroups[0]
    XCTAssertEqual(group.version, 1)
    // Declaration order is kept, not sorted.
    XCTAssertEqual(group.features.map(\.name), ["zeta", "order_id", "shop", "at"])
    XCTAssertEqual(group.keyFeatures.map(\.name), ["shop", "order_id"])
  }

  func testDurations() {
    XCTAssertEqual(DurationParser.millis("7d"), 604_800_000)
    XCTAssertEqual(DurationParser.millis("12h"), 43_200_000)
    XCTAssertEqual(DurationParser.millis("30m"), 1_800_000)
    XCTAssertEqual(DurationParser.millis("45s"), 45_000)
    XCTAssertEqual(DurationParser.millis("500ms"), 500)
    XCTAssertEqual(DurationParser.millis("1h30m"), 5_400_000)
    XCTAssertNil(DurationParser.millis("7"))
    XCTAssertNil(DurationParser.millis("7w"))
    XCTAssertNil(DurationParser.millis("d"))
    XCTAssertNil(DurationParser.millis("-5s"))
    XCTAssertNil(DurationParser.millis("99999999999999999999d"))
  }

  /// A minimal valid file with `replace` substituted in, so each case changes one thing.
  private func failure(_ yaml: String) -> ConfigError? {
    do {
      _ = try IdemstreamConfig.parse(yaml: yaml, fileName: "config.yaml")
      return nil
    } catch {
      return error
    }
  }

  private func assertFailure(
    _ yaml: String, line: Int, contains parts: [String], file: StaticString = #filePath,
    lineNumber: UInt = #line
  ) {
    guard let error = failure(yaml) else {
      XCTFail("expected a config error", file: file, line: lineNumber)
      return
    }
    XCTAssertEqual(error.line, line, "\(error)", file: file, line: lineNumber)
    XCTAssertTrue(
      error.description.hasPrefix("config.yaml:\(line): "), "\(error)", file: file, line: lineNumber
    )
    for part in parts {
      XCTAssertTrue(
        error.description.contains(part), "'\(part)' not in: \(error)", file: file, line: lineNumber
      )
    }
  }

  func testUnknownTypeNamesTheFeatureLineAndTheTypes() {
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "spend: double", with: "spend: float")
    guard let error = failure(yaml) else { return XCTFail("expected an error") }
    XCTAssertEqual(
      error.description,
      "config.yaml:21: feature 'spend' has unknown type 'float' — use one of bigint, double, string, boolean, timestamp"
    )
  }

  func testPrimaryKeyNotAmongFeatures() {
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "primary_key: [user_id]", with: "primary_key: [uid]")
    assertFailure(
      yaml, line: 17,
      contains: ["primary key column 'uid'", "not among its features", "declare it"])
  }

  func testDuplicateGroup() {
    let yaml =
      ConfigTests.contractExample + """

          - name: user_stats
            primary_key: [id]
            features:
              id: bigint
        """
    assertFailure(
      yaml, line: 24,
      contains: ["'user_stats' is declared twice", "first at line 15", "distinct name"])
  }

  func testEmptyTopics() {
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "topics: [features]", with: "topics: []")
    assertFailure(yaml, line: 3, contains: ["kafka.topics is empty", "at least one topic"])
  }

  func testBadDuration() {
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "window: 7d", with: "window: 7 days")
    assertFailure(
      yaml, line: 13,
      contains: ["dedup.window '7 days' is not a duration", "500ms, 45s, 30m, 12h or 7d"])
  }

  func testEventTimeAheadLimit() throws {
    func config(_ value: String) throws -> IdemstreamConfig {
      try ConfigReader(fileName: "c.yaml").read(
        yaml: ConfigTests.contractExample.replacingOccurrences(
          of: "feature_groups:",
          with: "validation:\n  max_event_time_ahead: \(value)\nfeature_groups:"))
    }
    XCTAssertEqual(try config("0").validation.maxEventTimeAheadMillis, 0)
    XCTAssertEqual(try config("36h").validation.maxEventTimeAheadMillis, 36 * 3_600_000)
    XCTAssertEqual(
      try ConfigReader(fileName: "c.yaml").read(yaml: ConfigTests.contractExample).validation
        .maxEventTimeAheadMillis, 86_400_000)
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "feature_groups:", with: "validation:\n  max_event_time_ahead: soon\nfeature_groups:")
    assertFailure(
      yaml, line: 15,
      contains: [
        "validation.max_event_time_ahead 'soon' is not a duration", "or 0 to turn the check off",
      ])
  }

  func testLogSummaryInterval() throws {
    func config(_ value: String) throws -> IdemstreamConfig {
      try ConfigReader(fileName: "c.yaml").read(
        yaml: ConfigTests.contractExample.replacingOccurrences(
          of: "feature_groups:", with: "log:\n  summary_interval: \(value)\nfeature_groups:"))
    }
    XCTAssertEqual(try config("0").log.summaryIntervalMillis, 0)
    XCTAssertEqual(try config("2s").log.summaryIntervalMillis, 2000)
    XCTAssertEqual(
      try ConfigReader(fileName: "c.yaml").read(yaml: ConfigTests.contractExample).log
        .summaryIntervalMillis, 60_000)
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "feature_groups:", with: "log:\n  summary_interval: often\nfeature_groups:")
    assertFailure(
      yaml, line: 15,
      contains: ["log.summary_interval 'often' is not a duration", "or 0 to turn the line off"])
  }

  func testDedupClockStepAndPruneInterval() throws {
    func yaml(_ dedup: String) -> String {
      ConfigTests.contractExample.replacingOccurrences(
        of: "  window: 7d                            # how long an idempotency key is remembered",
        with: dedup)
    }
    let defaults = try ConfigReader(fileName: "c.yaml").read(yaml: ConfigTests.contractExample)
    XCTAssertEqual(defaults.dedup.maxClockStepMillis, 3_600_000)
    XCTAssertEqual(defaults.dedup.pruneIntervalCommits, 100)
    let set = try ConfigReader(fileName: "c.yaml").read(
      yaml: yaml("  window: 15m\n  max_clock_step: 5m\n  prune_interval: 1"))
    XCTAssertEqual(
      set.dedup,
      DedupSettings(windowMillis: 900_000, maxClockStepMillis: 300_000, pruneIntervalCommits: 1))
    assertFailure(
      yaml("  max_clock_step: later"), line: 13,
      contains: ["dedup.max_clock_step 'later' is not a duration", "500ms, 45s"])
    assertFailure(
      yaml("  prune_interval: 0"), line: 13,
      contains: ["dedup.prune_interval", "from 1 to 1000000"])
  }

  func testUnknownTopLevelKey() {
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "data_dir: ./data", with: "data_directory: ./data")
    assertFailure(
      yaml, line: 7, contains: ["unknown key 'data_directory'", "use one of kafka, data_dir"])
  }

  /// `bootstrap_servers: ""` is refused; leaving the key out is the embedded broker.
  func testEmptyBootstrapServersIsAnError() {
    for empty in ["\"\"", "\"  \""] {
      let yaml = ConfigTests.contractExample.replacingOccurrences(
        of: "\"127.0.0.1:9092\"", with: empty)
      assertFailure(
        yaml, line: 2,
        contains: [
          "kafka.bootstrap_servers is empty",
          "give host:port (e.g. broker:9092), or leave the key out for the embedded broker",
        ])
    }
  }

  func testConnectTimeout() throws {
    func yaml(_ value: String) -> String {
      ConfigTests.contractExample.replacingOccurrences(
        of: "  topics: [features]\n", with: "  topics: [features]\n  connect_timeout: \(value)\n")
    }
    XCTAssertEqual(
      try IdemstreamConfig.parse(yaml: ConfigTests.contractExample).kafka.connectTimeoutMillis,
      30_000)
    XCTAssertEqual(
      try IdemstreamConfig.parse(yaml: yaml("1500ms")).kafka.connectTimeoutMillis, 1500)
    assertFailure(
      yaml("soon"), line: 4,
      contains: ["kafka.connect_timeout 'soon' is not a duration", "connect_timeout: 30s"])
    assertFailure(yaml("0s"), line: 4, contains: ["kafka.connect_timeout must be longer than zero"])
  }

  /// `load` resolves a relative data_dir against the config file's directory.
  func testLoadResolvesARelativeDataDirAgainstTheConfigFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-config-\(UUID().uuidString)/nested")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    for (written, expected) in [
      ("./data", directory.path + "/data"),
      ("../up/store", directory.deletingLastPathComponent().path + "/up/store"),
      ("/srv/idemstream", "/srv/idemstream"),
    ] {
      let path = directory.appendingPathComponent("c.yaml").path
      try ConfigTests.contractExample.replacingOccurrences(
        of: "data_dir: ./data", with: "data_dir: \(written)"
      ).write(toFile: path, atomically: true, encoding: .utf8)
      XCTAssertEqual(try IdemstreamConfig.load(path: path).dataDir, expected, written)
    }
  }

  func testUnknownKeyInsideASection() {
    let yaml = ConfigTests.contractExample.replacingOccurrences(
      of: "max_rows_per_commit", with: "max_rows")
    assertFailure(
      yaml, line: 10, contains: ["unknown key 'max_rows' in offline", "max_rows_per_commit"])
  }

  func testWrongYAMLTypes() {
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "topics: [features]", with: "topics: features"),
      line: 3, contains: ["kafka.topics must be a list", "topics: [features]"])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "commit_interval_ms: 5000", with: "commit_interval_ms: soon"),
      line: 9, contains: ["offline.commit_interval_ms must be a whole number", "'soon'"])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "settings: {}", with: "settings: [a, b]"),
      line: 6, contains: ["kafka.settings must be a mapping"])
    assertFailure("- just\n- a list\n", line: 1, contains: ["the top level must be a mapping"])
  }

  func testNamesUnusableAsColumns() {
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "country: string", with: "country code: string"),
      line: 22,
      contains: [
        "feature name 'country code' cannot be used as a column name",
        "letters, digits and underscores",
      ])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "name: user_stats", with: "name: 1st-stats"),
      line: 15, contains: ["feature group name '1st-stats' cannot be used"])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "country: string", with: "event_time: timestamp"),
      line: 22, contains: ["collides with a column every table has"])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "country: string", with: "Clicks: bigint"),
      line: 22, contains: ["differs from another feature", "only in case"])
  }

  func testTopicBindingsAreChecked() {
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "settings: {}", with: "settings: {}\n  topic_groups: {other: user_stats}"),
      line: 7, contains: ["binds 'other', which is not in kafka.topics"])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "settings: {}", with: "settings: {}\n  topic_groups: {features: nope}"),
      line: 7, contains: ["unknown group 'nope'", "user_stats"])
  }

  func testYAMLSyntaxErrorsAndDuplicateKeysHaveLines() {
    assertFailure("kafka:\n  topics: [a\nfeature_groups: []\n", line: 3, contains: ["invalid YAML"])
    assertFailure(
      ConfigTests.contractExample.replacingOccurrences(
        of: "active: boolean", with: "active: boolean\n      clicks: double"),
      line: 20, contains: ["'clicks' appears twice"])
  }

  func testMissingSectionsAndFile() {
    assertFailure("data_dir: x\n", line: 1, contains: ["missing section 'kafka'"])
    XCTAssertThrowsError(try IdemstreamConfig.load(path: "/nonexistent/idemstream.yaml")) { error in
      XCTAssertTrue(
        "\(error)".hasPrefix("/nonexistent/idemstream.yaml: cannot read the file"), "\(error)")
    }
  }
}
