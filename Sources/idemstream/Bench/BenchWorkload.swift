import Kafka

/// The benchmark workload (as the peer's generator, gen.py, makes it): writes to
/// `user_stats` over `keys` entities, a fraction re-sent (duplicates) and a fraction with
/// an older event time (out of order), keyed by entity.
struct BenchWorkload {
  var records: Int
  var keys = 100_000
  var duplicateRate = 0.05
  var outOfOrderRate = 0.02
  var seed: UInt64 = 7

  struct Sent {
    var records = 0
    var duplicates = 0
    var outOfOrder = 0
  }

  /// Sends `records` writes (plus their duplicates) and waits until all are delivered.
  /// `pace` is called before each write (the --rate mode sleeps there).
  func produce(
    to producer: KafkaProducer, topic: String, writes: Int, pace: ((Int) -> Void)? = nil
  ) throws -> Sent {
    var rng = DemoRandom(seed: seed)
    var sent = Sent()
    let countries = ["\"SE\"", "\"DE\"", "\"US\"", "\"IN\"", "\"BR\"", "\"JP\"", "null"]
    let start: Int64 = 1_767_225_600_000
    for index in 0..<writes {
      pace?(index)
      let entity = Int(rng.next() % UInt64(keys))
      var eventTime = start + Int64(index) * 10
      if Double(rng.next() % 1_000_000) / 1_000_000 < outOfOrderRate {
        eventTime -= Int64(1 + rng.next() % 599_999)
        sent.outOfOrder += 1
      }
      let spend = Double(rng.next() % 10_000) / 100
      let value =
        "{\"feature_group\":\"user_stats\",\"idempotency_key\":\"evt-\(seed)-\(index)\","
        + "\"event_time\":\(eventTime),\"key\":{\"user_id\":\"u\(entity)\"},\"values\":{"
        + "\"clicks\":\(rng.next() % 1000),\"spend\":\(spend),"
        + "\"country\":\(countries[Int(rng.next() % 7)]),\"active\":\(rng.next() % 2 == 0)}}"
      let key = Array("u\(entity)".utf8)
      let bytes = Array(value.utf8)
      let copies = Double(rng.next() % 1_000_000) / 1_000_000 < duplicateRate ? 2 : 1
      for _ in 0..<copies {
        try producer.send(topic: topic, key: key, value: bytes)
        sent.records += 1
      }
      sent.duplicates += copies - 1
    }
    try producer.flush(timeout: .seconds(300))
    return sent
  }

  static let config = """
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
    """
}
