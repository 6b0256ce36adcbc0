/// The sample stream of `idemstream demo`: a small feature store's day, with every case the
/// contract names — duplicates, out-of-order writes, deletes and re-creation, a conflict
/// and malformed records — so that the summary has something to show for each.
struct DemoStream {
  static let config = """
    kafka:
      topics: [features]
      group_id: idemstream-demo
    data_dir: ./demo-data
    offline:
      commit_interval_ms: 500
      max_rows_per_commit: 5000
      checkpoint_interval: 10
    dedup:
      window: 7d
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
      - name: merchant_daily
        version: 1
        primary_key: [merchant_id, day]
        features:
          merchant_id: bigint
          day: string
          revenue: double
          orders: bigint
    """

  /// (Kafka key, value) pairs in send order.
  var records: [(key: String, value: String)] = []
  var writes = 0
  var resent = 0
  var outOfOrder = 0
  var deletes = 0
  var malformed = 0
  var conflicts = 0

  init(users: Int = 500, merchants: Int = 40, rounds: Int = 8) {
    var rng = DemoRandom(seed: 2026)
    let start: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    let countries = ["SE", "DE", "US", "IN", "BR", "JP"]
    var sequence: Int64 = 0
    var firstWrite: (key: String, time: Int64, sequence: Int64)?
    for round in 0..<rounds {
      for user in 0..<users where rng.next() % 3 != 0 {
        sequence += 1
        var time = start + sequence * 250
        if rng.next() % 40 == 0 {
          time -= 3_600_000  // an hour late: out of order
          outOfOrder += 1
        }
        let key = "u\(user)"
        let value: String
        // Deleted in round 4 and written again later: u25, u75, ...
        if round == 3 && user % 50 == 25 {
          value = """
            {"feature_group":"user_stats","op":"delete","key":{"user_id":"\(key)"},"event_time":\(time),"idempotency_key":"demo-\(sequence)"}
            """
          deletes += 1
        } else {
          let country = rng.next() % 10 == 0 ? "null" : "\"\(countries[Int(rng.next() % 6)])\""
          value = """
            {"feature_group":"user_stats","key":{"user_id":"\(key)"},"event_time":\(time),"values":{"clicks":\(rng.next() % 500),"spend":\(Double(rng.next() % 100_00) / 100),"country":\(country),"active":\(rng.next() % 2 == 0)},"idempotency_key":"demo-\(sequence)"}
            """
        }
        records.append((key, value))
        writes += 1
        if rng.next() % 20 == 0 {
          records.append((key, value))  // the producer retried: a duplicate
          resent += 1
        }
        if firstWrite == nil { firstWrite = (key, time, sequence) }
      }
      for merchant in 0..<merchants {
        sequence += 1
        let day = "2026-01-0\(1 + round / 3)"
        let key = "\(merchant)|\(day)"
        // No idempotency key: derived from the content, so re-sends are still duplicates.
        let value = """
          {"feature_group":"merchant_daily","key":{"merchant_id":\(merchant),"day":"\(day)"},"event_time":"2026-01-01T\(10 + round):00:\(String(format: "%02d", merchant % 60)).250+00:00","values":{"revenue":\(rng.next() % 90_000),"orders":\(rng.next() % 70)}}
          """
        records.append((key, value))
        writes += 1
        if merchant % 13 == 0 {
          records.append((key, value))
          resent += 1
        }
      }
    }
    // The first write's idempotency key again, with other content: a conflict.
    if let first = firstWrite {
      records.append(
        (
          first.key,
          """
          {"feature_group":"user_stats","key":{"user_id":"\(first.key)"},"event_time":\(first.time),"values":{"clicks":-1},"idempotency_key":"demo-\(first.sequence)"}
          """
        ))
      conflicts += 1
    }
    // Deleted for good at the end: u0, u50, ...
    for user in stride(from: 0, to: users, by: 50) {
      sequence += 1
      records.append(
        (
          "u\(user)",
          """
          {"feature_group":"user_stats","op":"delete","key":{"user_id":"u\(user)"},"event_time":\(start + sequence * 250),"idempotency_key":"demo-\(sequence)"}
          """
        ))
      writes += 1
      deletes += 1
    }
    let bad = [
      "not json at all",
      #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":1767225600000,"values":{"clicks":"lots"}}"#,
      #"{"feature_group":"user_statz","key":{"user_id":"u1"},"event_time":1767225600000,"values":{}}"#,
      #"{"feature_group":"merchant_daily","key":{"merchant_id":3},"event_time":1767225600000,"values":{"revenue":1}}"#,
      #"{"feature_group":"user_stats","key":{"user_id":"u2"},"values":{"clicks":1}}"#,
    ]
    for (index, value) in bad.enumerated() {
      records.insert(("bad\(index)", value), at: (index + 1) * records.count / (bad.count + 1))
      malformed += 1
    }
  }
}

/// A seeded generator: the demo is the same every time.
struct DemoRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
