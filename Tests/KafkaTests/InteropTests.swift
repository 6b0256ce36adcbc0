import Foundation
import Kafka
import TestSupport
import XCTest

/// Our client against one nobody here wrote: Python confluent-kafka (its own librdkafka).
final class InteropTests: XCTestCase {
  private struct PythonRecord: Decodable, Equatable {
    let partition: Int32
    let offset: Int64
    let key: String?
    let value: String?
    let headers: [[String?]]
  }

  func testPythonReadsWhatKafkaProducerSent() throws {
    let broker = try EmbeddedBroker(topics: ["to-python": 2])
    let producer = try makeProducer(broker)
    for index in 0..<100 {
      try producer.send(
        topic: "to-python", key: "entity-\(index % 7)".bytes, value: "value-\(index)".bytes,
        headers: [KafkaHeader(name: "idempotency-key", value: "id-\(index)")])
    }
    XCTAssertEqual(try producer.flush(), 100)

    let output = try Python.run(
      """
      import json, sys, time
      from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
      bootstrap, topic, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
      c = Consumer({"bootstrap.servers": bootstrap, "group.id": "python-reader",
                    "enable.auto.commit": False})
      c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(2)])
      out, deadline = [], time.time() + 20
      while len(out) < want and time.time() < deadline:
          for m in c.consume(500, 0.2):
              if m.error():
                  raise SystemExit(str(m.error()))
              out.append({"partition": m.partition(), "offset": m.offset(),
                          "key": m.key().decode(), "value": m.value().decode(),
                          "headers": [[k, v.decode()] for k, v in (m.headers() or [])]})
      c.close()
      print(json.dumps(out))
      """, [broker.bootstrapServers, "to-python", "100"])
    let records = try JSONDecoder().decode([PythonRecord].self, from: Data(output.utf8))
    XCTAssertEqual(records.count, 100)
    XCTAssertEqual(Set(records.compactMap(\.value)), Set((0..<100).map { "value-\($0)" }))
    for record in records {
      let index = Int(record.value!.dropFirst("value-".count))!
      XCTAssertEqual(record.key, "entity-\(index % 7)")
      XCTAssertEqual(record.headers, [["idempotency-key", "id-\(index)"]])
    }
    // Keyed partitioning: one entity, one partition.
    let partitionsPerKey = Dictionary(grouping: records, by: \.key).mapValues {
      Set($0.map(\.partition))
    }
    XCTAssertTrue(partitionsPerKey.values.allSatisfy { $0.count == 1 })
  }

  func testKafkaConsumerReadsWhatPythonSent() throws {
    let broker = try EmbeddedBroker(topics: ["from-python": 2])
    _ = try Python.run(
      """
      import sys
      from confluent_kafka import Producer
      p = Producer({"bootstrap.servers": sys.argv[1], "enable.idempotence": True})
      for i in range(100):
          p.produce(sys.argv[2], key=f"k{i}", value=f"v{i}", partition=i % 2,
                    headers=[("operation", b"delete" if i % 10 == 0 else b"upsert")])
      if p.flush(20) != 0:
          raise SystemExit("undelivered records")
      """, [broker.bootstrapServers, "from-python"])

    let consumer = try makeConsumer(broker)
    try consumer.assign([
      TopicPartition("from-python", 0): .beginning, TopicPartition("from-python", 1): .beginning,
    ])
    let records = try consumer.pollRecords(count: 100).records
    XCTAssertEqual(records.count, 100)
    assertContiguous(
      records,
      expected: [
        TopicPartition("from-python", 0): 0..<50, TopicPartition("from-python", 1): 0..<50,
      ])
    for record in records {
      let index = Int(record.key!.text.dropFirst())!
      XCTAssertEqual(record.partition, Int32(index % 2))
      XCTAssertEqual(record.offset, Int64(index / 2))
      XCTAssertEqual(record.value?.text, "v\(index)")
      XCTAssertEqual(record.header("operation")?.text, index % 10 == 0 ? "delete" : "upsert")
    }
    try consumer.close()
  }
}
