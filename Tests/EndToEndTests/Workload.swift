import Foundation
import TestSupport

/// A deterministic feature-write stream covering what CONTRACT.md sections 2 and 4 name:
/// two groups (one with a composite key), every feature type, epoch and RFC 3339 times,
/// duplicates with explicit and content-derived keys, conflicts, out-of-order writes,
/// deletes and re-creation, and malformed records.
struct Workload {
  static let configGroups = """
    feature_groups:
      - name: user_stats
        version: 1
        primary_key: [user_id]
        features:
          user_id: string
          clicks: bigint
          spend: double
          country: string
          active: boolean
          last_seen: timestamp
      - name: merchant_daily
        version: 2
        primary_key: [merchant_id, day]
        features:
          merchant_id: bigint
          day: string
          revenue: double
          orders: bigint
    """

  /// The groups as `Tests/interop/stores.py` wants them.
  static let groupsJSON = """
    [{"name":"user_stats","version":1,"primary_key":["user_id"],\
    "features":["clicks","spend","country","active","last_seen"]},\
    {"name":"merchant_daily","version":2,"primary_key":["merchant_id","day"],\
    "features":["revenue","orders"]}]
    """

  /// A config for the tests: short commit intervals, small commits, a short session timeout
  /// (the mock cluster makes a restarted member wait for the old one's session to expire).
  static func config(
    bootstrap: String, topic: String, dataDir: String, groupID: String = "e2e",
    maxRowsPerCommit: Int = 2000
  ) -> String {
    """
    kafka:
      bootstrap_servers: "\(bootstrap)"
      topics: [\(topic)]
      group_id: \(groupID)
      settings:
        session.timeout.ms: "3000"
        heartbeat.interval.ms: "1000"
    data_dir: \(dataDir)
    offline:
      commit_interval_ms: 200
      max_rows_per_commit: \(maxRowsPerCommit)
      checkpoint_interval: 5
    dedup:
      window: 7d
    \(configGroups)
    """
  }

  var lines: [String] = []
  var accepted = 0
  var duplicates = 0
  var conflicts = 0
  var malformed = 0

  /// `writes` distinct writes, plus the duplicates and bad records mixed in.
  init(writes: Int, seed: UInt64 = 42) {
    var rng = SplitMix64(seed: seed)
    let t0: Int64 = 1_767_225_600_000
    let countries = ["\"SE\"", "\"DE\"", "\"Ünïcödé-land\"", "\"\"", "null"]
    for i in 0..<writes {
      var eventTime = t0 + Int64(i) * 1000
      if rng.next() % 20 == 0 { eventTime -= Int64(rng.next() % 600_000) }  // out of order
      let line: String
      var userOfLine: UInt64? = nil
      let idem = rng.next() % 10 == 0 ? nil : "w-\(seed)-\(i)"
      let idemField = idem.map { ",\"idempotency_key\":\"\($0)\"" } ?? ""
      if rng.next() % 4 == 0 {
        let merchant = rng.next() % 30
        let day = "2026-01-0\(1 + rng.next() % 3)"
        let time = Self.rfc3339(eventTime, offsetMinutes: Int(rng.next() % 3) * 60)
        if rng.next() % 15 == 0 {
          line = """
            {"feature_group":"merchant_daily","op":"delete","key":{"day":"\(day)","merchant_id":\(merchant)},\
            "event_time":"\(time)"\(idemField)}
            """
        } else {
          line = """
            {"feature_group":"merchant_daily","key":{"day":"\(day)","merchant_id":\(merchant)},\
            "event_time":"\(time)","values":{"revenue":\(rng.next() % 100_000),"orders":\(rng.next() % 50)}\(idemField)}
            """
        }
      } else {
        let user = rng.next() % 120
        userOfLine = user
        if rng.next() % 25 == 0 {
          line = """
            {"feature_group":"user_stats","op":"delete","key":{"user_id":"u\(user)"},"event_time":\(eventTime)\(idemField)}
            """
        } else {
          let spend = Double(rng.next() % 100_000) / 100
          let active = rng.next() % 2 == 0 ? "true" : "false"
          let country = countries[Int(rng.next() % UInt64(countries.count))]
          let lastSeen =
            rng.next() % 3 == 0 ? "null" : "\"\(Self.rfc3339(eventTime - 5000, offsetMinutes: 0))\""
          line = """
            {"feature_group":"user_stats","key":{"user_id":"u\(user)"},"event_time":\(eventTime),\
            "values":{"clicks":\(rng.next() % 1000),"spend":\(spend),"country":\(country),"active":\(active),\
            "last_seen":\(lastSeen)}\(idemField)}
            """
        }
      }
      lines.append(line)
      accepted += 1
      if rng.next() % 20 == 0 {  // re-sent: a duplicate
        lines.append(line)
        duplicates += 1
      }
      // Same key, other content, same entity (so the same partition): a conflict.
      if let idem, let user = userOfLine, rng.next() % 30 == 0 {
        lines.append(
          """
          {"feature_group":"user_stats","key":{"user_id":"u\(user)"},"event_time":\(eventTime),\
          "values":{"clicks":-1},"idempotency_key":"\(idem)"}
          """)
        conflicts += 1
      }
      if rng.next() % 50 == 0 {
        lines.append(Self.malformed[Int(rng.next() % UInt64(Self.malformed.count))])
        malformed += 1
      }
    }
  }

  static let malformed = [
    "this is not json",
    "[1,2,3]",
    #"{"feature_group":"nope","key":{"user_id":"u1"},"event_time":1,"values":{}}"#,
    #"{"feature_group":"user_stats","key":{},"event_time":1,"values":{}}"#,
    #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":1,"values":{"clicks":"many"}}"#,
    #"{"feature_group":"user_stats","key":{"user_id":"u1"},"values":{"clicks":1}}"#,
    #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":1,"values":{"height":1}}"#,
    #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":"yesterday","values":{}}"#,
  ]

  var jsonl: Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

  static func rfc3339(_ millis: Int64, offsetMinutes: Int) -> String {
    let date = Date(timeIntervalSince1970: Double(millis) / 1000 + Double(offsetMinutes * 60))
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    let fraction = Int(((millis % 1000) + 1000) % 1000)
    let sign = offsetMinutes >= 0 ? "+" : "-"
    let offset = abs(offsetMinutes)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d%@%02d:%02d", c.year!, c.month!, c.day!, c.hour!,
      c.minute!, c.second!, fraction, sign, offset / 60, offset % 60)
  }
}
