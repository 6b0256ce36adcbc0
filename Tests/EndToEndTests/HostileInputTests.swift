import Foundation
import TestSupport
import XCTest

/// Invariant 6: no record, however malformed or large, crashes the service or blocks its
/// partition. Records come from Python's confluent-kafka, so the bytes are exactly these.
final class HostileInputTests: XCTestCase {
  static let producer = """
    import sys
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": sys.argv[1], "message.max.bytes": 4000000})
    good = b'{"feature_group":"user_stats","key":{"user_id":"ok%d"},"event_time":1767225600000,"values":{"clicks":%d}}'
    hostile = [
        b"\\xff\\xfe not utf-8",
        b"[" * 20000 + b"]" * 20000,
        b'{"feature_group":"user_stats","key":' + b'{"a":' * 20000 + b'1' + b'}' * 20000 + b'}',
        b'{"feature_group":"user_stats","key":{"user_id":"big"},"event_time":1,"values":{"country":"' + b"x" * 1100000 + b'"}}',
        b"",
        None,
        b'{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{"clicks":1.5}}',
        b'{"feature_group":"user_stats","key":{"user_id":7},"event_time":1,"values":{}}',
        b'{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":99999999999999999999,"values":{}}',
        b'{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{"clicks":1}} trailing',
        b'{"feature_group":"user_stats","key":{"user_id":"\\\\ud800"},"event_time":1,"values":{}}',
        b'{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{},"idempotency_key":""}',
    ]
    for i in range(40):
        p.produce(sys.argv[2], key=b"k", value=good % (i, i), partition=0)
        if i < len(hostile):
            p.produce(sys.argv[2], key=b"k", value=hostile[i], partition=0)
    p.flush(30)
    print(len(hostile))
    """

  func testHostileRecordsAreDeadLetteredAndTheServiceGoesOn() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 1, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-hostile")
    defer { directory.remove() }
    let hostileCount = Int(
      try Python.run(Self.producer, [broker.bootstrap, "features"]).trimmingCharacters(
        in: .whitespacesAndNewlines))
    let config = directory.url.appendingPathComponent("c.yaml").path
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features", dataDir: directory.path + "/data"
    ).write(toFile: config, atomically: true, encoding: .utf8)
    let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let out = try Python.run(
      """
      import sys, json
      from deltalake import DeltaTable
      d = sys.argv[1] + "/offline/"
      rows = DeltaTable(d + "user_stats_v1").to_pyarrow_table().to_pylist()
      dead = DeltaTable(d + "_dead_letters").to_pyarrow_table().to_pylist()
      print(json.dumps({"accepted": sorted(r["user_id"] for r in rows),
                        "errors": [r["error"] for r in sorted(dead, key=lambda r: r["offset"])]}))
      """, [directory.path + "/data"])
    let doc = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [String]])
    XCTAssertEqual(doc["accepted"]?.count, 40)
    let errors = try XCTUnwrap(doc["errors"])
    XCTAssertEqual(errors.count, hostileCount)
    for error in errors { XCTAssertFalse(error.isEmpty) }
    XCTAssertTrue(errors.contains { $0.localizedCaseInsensitiveContains("utf-8") }, "\(errors)")
    XCTAssertTrue(errors.contains { $0.hasPrefix("[too large]") }, "\(errors)")
    XCTAssertTrue(errors.contains { $0.hasPrefix("[null value]") }, "\(errors)")
    XCTAssertTrue(errors.contains { $0.localizedCaseInsensitiveContains("empty") }, "\(errors)")
  }
}
