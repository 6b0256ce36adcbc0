import Foundation
import Kafka
import TestSupport
import XCTest

/// Invariant 7: one topic ingested into fresh stores in different ways — one big batch,
/// batches of a few rows, five `kill -9`s, a prune after every commit — gives byte-equal
/// rows in every table and the same dead letters, and those are what an independent model
/// of the contract's rules (section 4) decides for the topic.
final class DeterminismTests: XCTestCase {
  static let windowMillis: Int64 = 15 * 60_000
  static let maxClockStepMillis: Int64 = 30 * 60_000
  static let maxEventTimeAheadMillis: Int64 = 2 * 3_600_000

  func testEveryWayOfIngestingATopicDecidesTheSame() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 4, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-determinism")
    defer { directory.remove() }
    let topic = DeterminismTopic(records: 1500, seed: 11)
    try topic.produce(to: broker.bootstrap)
    let records = try TopicReader.readAll(bootstrap: broker.bootstrap, topic: "features")
    XCTAssertEqual(records.count, topic.lines.count)
    let expected = ContractModel(
      windowMillis: Self.windowMillis, maxClockStepMillis: Self.maxClockStepMillis,
      maxEventTimeAheadMillis: Self.maxEventTimeAheadMillis
    ).decide(records)

    func config(_ name: String, maxRows: Int, pruneInterval: Int = 100) throws -> String {
      let path = directory.url.appendingPathComponent("\(name).yaml").path
      let text = """
        kafka:
          bootstrap_servers: "\(broker.bootstrap)"
          topics: [features]
          group_id: \(name)
          settings:
            session.timeout.ms: "3000"
            heartbeat.interval.ms: "1000"
        data_dir: \(directory.url.appendingPathComponent(name).path)
        offline:
          commit_interval_ms: 200
          max_rows_per_commit: \(maxRows)
          checkpoint_interval: 5
        dedup:
          window: 15m
          max_clock_step: 30m
          prune_interval: \(pruneInterval)
        validation:
          max_event_time_ahead: 2h
        \(Workload.configGroups)
        """
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    func runToEnd(_ config: String) throws {
      let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
      XCTAssertEqual(run.status, 0, run.stderr)
    }
    func snapshot(_ name: String) throws -> String {
      try Self.snapshot(name, in: directory)
    }

    try runToEnd(try config("one-batch", maxRows: 100_000))
    let reference = try snapshot("one-batch")
    try expected.check(snapshot: reference)

    try runToEnd(try config("small-batches", maxRows: 3))
    XCTAssertEqual(try snapshot("small-batches"), reference, "batches of 3 rows")

    try runToEnd(try config("prune-every-commit", maxRows: 10, pruneInterval: 1))
    XCTAssertEqual(try snapshot("prune-every-commit"), reference, "a prune after every commit")

    let killed = try config("killed", maxRows: 5)
    var random = SplitMix64(seed: 3)
    try CrashTests.killNine(
      times: 5, config: killed, dataDir: directory.url.appendingPathComponent("killed").path,
      pauseMicroseconds: 200_000, random: &random)
    try runToEnd(killed)
    XCTAssertEqual(try snapshot("killed"), reference, "five kill -9s")
    print(
      "DETERMINISM | \(records.count) records, 4 partitions | accepted \(expected.accepted.count), "
        + "duplicates \(expected.duplicates), dead letters \(expected.deadLetters.count) "
        + "(conflicts \(expected.deadLetters.values.filter { $0 == "conflict" }.count)) "
        + "| one batch = batches of 3 = prune every commit = 5 kill -9s = model")
  }

  /// A group out of the config keeps what it remembered: while it is away the other groups'
  /// clocks run a window past its writes and the index is pruned after every commit, yet a
  /// re-send of one of its writes, decided when the group comes back, is still a duplicate,
  /// as in a run where the group never left.
  func testAGroupOutOfTheConfigForgetsNothingWhileAway() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 1, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-away")
    defer { directory.remove() }
    let start: Int64 = 1_767_225_600_000
    func send(_ records: [(value: String, timestamp: Int64)]) throws {
      let producer = try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrap))
      for record in records {
        try producer.send(
          topic: "features", key: nil, value: Array(record.value.utf8), partition: 0,
          timestampMilliseconds: record.timestamp)
      }
      try producer.flush()
      try producer.close()
    }
    let click =
      #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":1767225600000,"#
      + #""values":{"clicks":1},"idempotency_key":"k1"}"#
    func order(_ merchant: Int, _ orders: Int) -> String {
      #"{"feature_group":"merchant_daily","key":{"merchant_id":\#(merchant),"day":"d"},"#
        + #""event_time":1767225600000,"values":{"orders":\#(orders)}}"#
    }
    func config(_ name: String, groups: String) throws -> String {
      let path = directory.url.appendingPathComponent("\(name).yaml").path
      try """
      kafka:
        bootstrap_servers: "\(broker.bootstrap)"
        topics: [features]
        group_id: \(name)
        settings:
          session.timeout.ms: "3000"
          heartbeat.interval.ms: "1000"
      data_dir: \(directory.url.appendingPathComponent(name).path)
      offline:
        commit_interval_ms: 200
        max_rows_per_commit: 1
      dedup:
        window: 1m
        max_clock_step: 1h
        prune_interval: 1
      \(groups)
      """.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    func runToEnd(_ config: String) throws {
      let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
      XCTAssertEqual(run.status, 0, run.stderr)
    }
    let merchantOnly = try XCTUnwrap(
      Workload.configGroups.range(of: "  - name: merchant_daily")
    ).lowerBound
    let withoutUsers =
      "feature_groups:\n" + Workload.configGroups[merchantOnly...]

    try send([(click, start), (order(1, 1), start)])
    let away = try config("away", groups: Workload.configGroups)
    try runToEnd(away)
    // The re-send, then the merchants' clock ten windows on; users are out of the config.
    try send([
      (click, start + 10_000), (order(1, 2), start + 600_000), (order(2, 1), start + 601_000),
      (order(3, 1), start + 602_000),
    ])
    _ = try config("away", groups: withoutUsers)
    try runToEnd(away)
    _ = try config("away", groups: Workload.configGroups)
    try runToEnd(away)

    let never = try config("never-away", groups: Workload.configGroups)
    try runToEnd(never)
    let history = try Idemstream.run(
      ["offline", "history", "--config", away, "--group", "user_stats", "--json", "u1"])
    XCTAssertEqual(history.status, 0, history.stderr)
    XCTAssertEqual(
      history.stdout.split(separator: "\n").count, 1,
      "the re-send is a duplicate, not a second row: \(history.stdout)")
    func snapshot(_ name: String) throws -> String {
      try Self.snapshot(name, in: directory)
    }
    // The dead letters differ: a user_stats record read while the group was away is one.
    func groups(_ name: String) throws -> NSDictionary? {
      let object = try JSONSerialization.jsonObject(with: Data(try snapshot(name).utf8))
      return (object as? [String: Any])?["groups"] as? NSDictionary
    }
    XCTAssertEqual(try groups("away"), try groups("never-away"))
  }

  /// Determinism is promised when producers key by entity; an entity written from a second
  /// partition is still processed, counted and logged once.
  func testAnEntityInASecondPartitionIsCountedAndLoggedOnce() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 2, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-violation")
    defer { directory.remove() }
    let producer = try KafkaProducer(
      configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrap))
    for (index, partition) in [0, 1, 1, 0].enumerated() {
      try producer.send(
        topic: "features", key: Array("u1".utf8),
        value: Array(
          (#"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":\#(1000 + index),"#
            + #""values":{"clicks":\#(index)}}"#).utf8),
        partition: Int32(partition))
    }
    try producer.flush()
    try producer.close()
    let config = directory.url.appendingPathComponent("c.yaml").path
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features",
      dataDir: directory.url.appendingPathComponent("data").path
    ).write(toFile: config, atomically: true, encoding: .utf8)
    let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let warnings = run.stderr.components(separatedBy: "written from a second partition").count - 1
    XCTAssertEqual(warnings, 1, run.stderr)
    XCTAssertTrue(run.stderr.contains(#"key=["u1"]"#), run.stderr)
    // How many of the four writes meet a greatest write of the other partition depends on
    // the interleaving (2 or 3): exactly what keying by entity rules out.
    let output = run.stdout + run.stderr
    XCTAssertTrue(
      output.contains("writes from a second partition of their entity 2")
        || output.contains("writes from a second partition of their entity 3"), output)

    // The counter, as a scraper reads it from a service that keeps running.
    let scraped = directory.url.appendingPathComponent("scraped.yaml").path
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features",
      dataDir: directory.url.appendingPathComponent("scraped").path, groupID: "scraped"
    ).write(toFile: scraped, atomically: true, encoding: .utf8)
    let port = MetricsScrape.freePort()
    let service = try Idemstream.start(
      ["run", "--config", scraped, "--metrics-port", "\(port)"])
    defer { service.stop() }
    var counted: Double?
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      counted = MetricsScrape.value("idemstream_entity_partition_violations_total", port: port)
      if let counted, counted >= 2 { break }
      usleep(100_000)
    }
    XCTAssertTrue([2, 3].contains(counted ?? 0), "scraped \(String(describing: counted))")
  }
}

extension DeterminismTests {
  /// `stores.py snapshot` of data dir `name` under `directory`: both stores' rows of the
  /// workload's groups (the online store as `online dump` gives it) and the dead letters.
  static func snapshot(_ name: String, in directory: TemporaryDirectory) throws -> String {
    let config = directory.url.appendingPathComponent("\(name).yaml").path
    let folder = directory.url.appendingPathComponent("\(name)-dump").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for group in ["user_stats", "merchant_daily"] {
      let dump = try Idemstream.run(["online", "dump", "--config", config, "--group", group])
      XCTAssertEqual(dump.status, 0, dump.stderr)
      try dump.stdout.write(toFile: "\(folder)/\(group).jsonl", atomically: true, encoding: .utf8)
    }
    return try Python.run(
      try interopScript("stores.py"),
      [
        "snapshot", directory.url.appendingPathComponent(name).path, Workload.groupsJSON, folder,
      ])
  }
}

/// A topic whose decisions exercise every rule of contract section 4: two groups, entities
/// keyed to partitions, Kafka timestamps that step, jump an hour ahead, run days ahead and go
/// back, event times far ahead of their record, re-sends inside and outside the window,
/// conflicts, one idempotency key shared by several entities, deletes, and malformed records.
struct DeterminismTopic {
  struct Line {
    let partition: Int32
    let timestampMillis: Int64
    let key: String
    let value: String
  }

  var lines: [Line] = []

  init(records: Int, seed: UInt64) {
    var random = SplitMix64(seed: seed)
    func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    let start: Int64 = 1_767_225_600_000
    var timestamps = [Int64](repeating: start, count: 4)
    var sent: [[Line]] = [[], [], [], []]
    for index in 0..<records {
      let user = chance(70)
      let entity =
        user ? "u\(random.next() % 40)" : "\(random.next() % 15)|2026-01-0\(1 + random.next() % 2)"
      let partition = Int32(entity.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 4)
      let p = Int(partition)
      let timestamp: Int64
      switch random.next() % 100 {
      case 0..<4:
        timestamps[p] += 25 * 60_000  // a jump past the window
        timestamp = timestamps[p]
      case 4..<6:
        timestamp = timestamps[p] + 3 * 86_400_000  // one record of a broken clock, days ahead
      case 6..<9:
        timestamps[p] -= 10 * 60_000  // back in time
        timestamp = timestamps[p]
      default:
        timestamps[p] += Int64(random.next() % 3_000)
        timestamp = timestamps[p]
      }
      var eventTime = timestamp - Int64(random.next() % 600_000)
      if chance(3) { eventTime = timestamp + 3 * 3_600_000 }  // too far ahead: dead letter
      if chance(2) { eventTime = timestamp - 30 * 86_400_000 }
      let value: String
      let roll = random.next() % 100
      if roll < 12, let earlier = sent[p].randomElement(using: &random) {
        // A re-send of an earlier record of this partition, byte for byte.
        lines.append(
          Line(
            partition: partition, timestampMillis: timestamp, key: earlier.key, value: earlier.value
          ))
        continue
      } else if roll < 18, let earlier = sent[p].randomElement(using: &random),
        earlier.value.contains("\"values\"")
      {
        // Same idempotency key and entity, other content: a conflict while remembered.
        let changed = earlier.value
          .replacingOccurrences(of: "\"spend\":", with: "\"spend\":1")
          .replacingOccurrences(of: "\"revenue\":", with: "\"revenue\":1")
        lines.append(
          Line(partition: partition, timestampMillis: timestamp, key: earlier.key, value: changed))
        continue
      } else if roll < 20 {
        value =
          ["this is not json", #"{"feature_group":"nope","key":{},"event_time":1}"#][
            Int(random.next() % 2)]
      } else {
        let idempotencyKey = chance(8) ? "shared-\(random.next() % 3)" : "w-\(index)"
        let delete = chance(6)
        let keyJSON: String
        let valuesJSON: String
        if user {
          keyJSON = #"{"user_id":"\#(entity)"}"#
          valuesJSON =
            #"{"clicks":\#(index),"spend":\#(random.next() % 1000).5,"country":"SE","active":true,"last_seen":null}"#
        } else {
          let parts = entity.split(separator: "|")
          keyJSON = #"{"merchant_id":\#(parts[0]),"day":"\#(parts[1])"}"#
          valuesJSON = #"{"revenue":\#(random.next() % 1000).25,"orders":\#(index)}"#
        }
        let group = user ? "user_stats" : "merchant_daily"
        value =
          #"{"feature_group":"\#(group)","key":\#(keyJSON),"event_time":\#(eventTime),"#
          + #""idempotency_key":"\#(idempotencyKey)""#
          + (delete ? #","op":"delete"}"# : #","values":\#(valuesJSON)}"#)
      }
      let line = Line(partition: partition, timestampMillis: timestamp, key: entity, value: value)
      lines.append(line)
      sent[p].append(line)
    }
  }

  func produce(to bootstrap: String) throws {
    let producer = try KafkaProducer(
      configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
    for line in lines {
      try producer.send(
        topic: "features", key: Array(line.key.utf8), value: Array(line.value.utf8),
        partition: line.partition, timestampMilliseconds: line.timestampMillis)
    }
    try producer.flush()
    try producer.close()
  }
}

/// Reads a whole topic back: what the service will read, with the offsets the broker gave.
enum TopicReader {
  static func readAll(bootstrap: String, topic: String) throws -> [KafkaRecord] {
    let consumer = try KafkaConsumer(
      configuration: KafkaConsumerConfiguration(bootstrapServers: bootstrap))
    defer { try? consumer.close() }
    var highs: [TopicPartition: Int64] = [:]
    for partition in try consumer.partitions(of: topic) {
      let key = TopicPartition(topic, partition)
      highs[key] = try consumer.queryWatermarks(key).high
    }
    try consumer.assign(highs.mapValues { _ in KafkaOffset.beginning })
    var records: [KafkaRecord] = []
    let deadline = Date().addingTimeInterval(30)
    var last: [TopicPartition: Int64] = [:]
    while highs.contains(where: { ($0.value - 1) > (last[$0.key] ?? -1) }) && Date() < deadline {
      for record in try consumer.poll().records {
        records.append(record)
        last[record.topicPartition] = record.offset
      }
    }
    return records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
  }
}

/// The contract's decision rules (section 4), written out again from the text, apart from
/// the service's code: every remembered accepted write is kept (not only the latest one of
/// its key), and nothing is ever pruned.
struct ContractModel {
  let windowMillis: Int64
  let maxClockStepMillis: Int64
  let maxEventTimeAheadMillis: Int64

  struct Write {
    let group: String
    let entity: String
    let eventTime: Int64
    let isDelete: Bool
    let values: NSDictionary?
    let partition: Int32
    let offset: Int64
    /// The field that makes each generated write's content recognisable online.
    var marker: Int? { (values?["clicks"] ?? values?["orders"]) as? Int }
  }

  struct Decisions {
    /// Per group, the accepted writes in (partition, offset) order.
    var accepted: [Write] = []
    var duplicates = 0
    /// (partition, offset) → "conflict", "event_time ahead of the record" or "invalid".
    var deadLetters: [String: String] = [:]

    /// Compares with a `stores.py snapshot` document.
    func check(snapshot text: String, file: StaticString = #filePath, line: UInt = #line) throws {
      let doc = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let groups = try XCTUnwrap(doc["groups"] as? [String: [String: [[String: Any]]]])
      for group in ["user_stats", "merchant_daily"] {
        let offline = try XCTUnwrap(groups[group]?["offline"])
        let held = offline.map { "\($0["_kafka_partition"]!)/\($0["_kafka_offset"]!)" }
        let wanted = accepted.filter { $0.group == group }.map { "\($0.partition)/\($0.offset)" }
        XCTAssertEqual(held, wanted, "\(group): offline rows", file: file, line: line)
        // Online: per entity the greatest accepted write, absent after a tombstone.
        var greatest: [String: Write] = [:]
        for write in accepted where write.group == group {
          if let current = greatest[write.entity],
            (current.eventTime, current.partition, current.offset)
              > (write.eventTime, write.partition, write.offset)
          {
            continue
          }
          greatest[write.entity] = write
        }
        let online = try XCTUnwrap(groups[group]?["online"])
        let markerColumn = group == "user_stats" ? "clicks" : "orders"
        let onlineMarkers = Set(online.compactMap { $0[markerColumn] as? Int })
        let expectedMarkers = Set(greatest.values.filter { !$0.isDelete }.compactMap(\.marker))
        XCTAssertEqual(
          onlineMarkers, expectedMarkers, "\(group): online rows", file: file, line: line)
        XCTAssertEqual(
          online.count, expectedMarkers.count, "\(group): online rows", file: file, line: line)
      }
      let deadLetters = try XCTUnwrap(doc["dead_letters"] as? [[String: Any]])
      var found: [String: String] = [:]
      for row in deadLetters {
        let error = row["error"] as? String ?? ""
        let reason =
          error.hasPrefix("[conflict]")
          ? "conflict"
          : error.hasPrefix("[event_time ahead of the record]")
            ? "event_time ahead of the record" : "invalid"
        found["\(row["partition"]!)/\(row["offset"]!)"] = reason
      }
      XCTAssertEqual(found, self.deadLetters, "dead letters", file: file, line: line)
    }
  }

  func decide(_ records: [KafkaRecord]) -> Decisions {
    var decisions = Decisions()
    var clocks: [Int32: Int64] = [:]
    /// Per scope, every accepted write with the clock at it.
    var remembered: [String: [(clock: Int64, content: NSArray)]] = [:]
    for record in records {
      let place = "\(record.partition)/\(record.offset)"
      // The log clock: the greatest timestamp so far, one step at most per record.
      let timestamp = record.timestampMilliseconds ?? -1
      if timestamp >= 0 {
        if let clock = clocks[record.partition] {
          clocks[record.partition] = max(clock, min(timestamp, clock + maxClockStepMillis))
        } else {
          clocks[record.partition] = timestamp
        }
      }
      let clock = clocks[record.partition] ?? .min
      guard let value = record.value,
        let object = try? JSONSerialization.jsonObject(with: Data(value)) as? NSDictionary,
        let group = object["feature_group"] as? String,
        ["user_stats", "merchant_daily"].contains(group),
        let key = object["key"] as? NSDictionary,
        let eventTime = object["event_time"] as? Int64,
        let idempotencyKey = object["idempotency_key"] as? String
      else {
        decisions.deadLetters[place] = "invalid"
        continue
      }
      if eventTime - timestamp > maxEventTimeAheadMillis {
        decisions.deadLetters[place] = "event_time ahead of the record"
        continue
      }
      let entity =
        group == "user_stats"
        ? "\(key["user_id"]!)" : "\(key["merchant_id"]!)|\(key["day"]!)"
      let version = group == "user_stats" ? 1 : 2
      let scope = "\(group)|\(version)|\(entity)|\(idempotencyKey)|\(record.partition)"
      let isDelete = (object["op"] as? String) == "delete"
      let values = object["values"] as? NSDictionary
      let content: NSArray = [eventTime, isDelete, values ?? NSNull()]
      let live = (remembered[scope] ?? []).filter { clock - $0.clock <= windowMillis }
      if !live.isEmpty {
        if live.contains(where: { $0.content.isEqual(content) }) {
          decisions.duplicates += 1
        } else {
          decisions.deadLetters[place] = "conflict"
        }
        continue
      }
      remembered[scope, default: []].append((clock, content))
      decisions.accepted.append(
        Write(
          group: group, entity: entity, eventTime: eventTime, isDelete: isDelete,
          values: values, partition: record.partition, offset: record.offset))
    }
    return decisions
  }
}
