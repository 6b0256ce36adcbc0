import Foundation
import TestSupport
import XCTest

/// The corpus of CONTRACT.md section 2's dead-letter rules (`Tests/interop/contract-rejects.json`),
/// sent through Kafka by confluent-kafka between valid writes: each record lands in
/// `_dead_letters` with its reason, byte for byte, and the valid writes around it are taken.
final class ContractRejectTests: XCTestCase {
  static let producer = """
    import base64, json, sys
    from confluent_kafka import Producer
    corpus = json.load(open(sys.argv[3]))
    p = Producer({"bootstrap.servers": sys.argv[1], "message.max.bytes": 4000000})
    good = '{"feature_group":"user_stats","key":{"user_id":"ok%d"},"event_time":1767225600000,"values":{"clicks":%d}}'
    expected = []
    offset = 0
    for i, case in enumerate(corpus):
        p.produce(sys.argv[2], key=b"k", value=(good % (i, i)).encode(), partition=0)
        offset += 1
        if "value_hex" in case:
            value = bytes.fromhex(case["value_hex"])
        elif case["value"] is None:
            value = None
        else:
            value = case["value"].replace("PAD", "x" * case.get("pad", 0)).encode()
        p.produce(sys.argv[2], key=b"k", value=value, partition=0)
        expected.append({"offset": offset, "case": case["case"], "reason": case["reason"],
                         "value": None if value is None else base64.b64encode(value).decode()})
        offset += 1
    p.flush(30)
    print(json.dumps(expected))
    """

  static let reader = """
    import json, sys
    from deltalake import DeltaTable
    d = sys.argv[1] + "/offline/"
    dead = DeltaTable(d + "_dead_letters").to_pyarrow_table().to_pylist()
    taken = DeltaTable(d + "user_stats_v1").to_pyarrow_table().to_pylist()
    print(json.dumps({"dead": {str(r["offset"]): {"error": r["error"], "value": r["value"]} for r in dead},
                      "taken": len(taken)}))
    sys.stdout.flush()
    import os
    os._exit(0)  # skip pyarrow's thread-pool teardown, which can abort (see stores.py)
    """

  func testEverySection2RejectIsDeadLetteredWithItsReason() throws {
    let broker = try EmbeddedBrokerProcess(partitions: 1, topic: "features")
    defer { broker.stop() }
    let directory = try TemporaryDirectory("idemstream-rejects")
    defer { directory.remove() }
    let corpus = Python.packageRoot.appendingPathComponent("Tests/interop/contract-rejects.json")
    let sent = try Python.run(Self.producer, [broker.bootstrap, "features", corpus.path])
    let expected = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [[String: Any]])
    let config = directory.path + "/c.yaml"
    try Workload.config(
      bootstrap: broker.bootstrap, topic: "features", dataDir: directory.path + "/data"
    )
    .write(toFile: config, atomically: true, encoding: .utf8)
    let run = try Idemstream.run(["run", "--config", config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let stored = try XCTUnwrap(
      try JSONSerialization.jsonObject(
        with: Data(try Python.run(Self.reader, [directory.path + "/data"]).utf8)) as? [String: Any])
    let dead = try XCTUnwrap(stored["dead"] as? [String: [String: Any]])
    XCTAssertEqual(dead.count, expected.count, "exactly the corpus is dead-lettered")
    XCTAssertEqual(stored["taken"] as? Int, expected.count, "the valid writes between are taken")
    for reject in expected {
      let name = reject["case"] as? String ?? "?"
      let letter = dead["\(reject["offset"] as? Int ?? -1)"]
      let error = letter?["error"] as? String ?? "(not dead-lettered)"
      XCTAssertTrue(error.hasPrefix("[\(reject["reason"] as? String ?? "")]"), "\(name): \(error)")
      XCTAssertGreaterThan(error.count, 20, "\(name): the reason says little: \(error)")
      XCTAssertEqual(letter?["value"] as? String, reject["value"] as? String, "\(name): value kept")
    }
    let recordsIn = expected.count * 2
    let recordsOut = dead.count + (stored["taken"] as? Int ?? 0)
    print(
      "RELIABILITY | CONTRACT.md §2 reject corpus | \(expected.count) rejects between valid writes, "
        + "confluent-kafka | in \(recordsIn) | out \(recordsOut) (\(dead.count) dead letters with "
        + "reasons) | lost \(max(0, recordsIn - recordsOut)) | doubled \(max(0, recordsOut - recordsIn))"
    )
  }
}
