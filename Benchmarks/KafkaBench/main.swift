// kafka-bench: how fast the Kafka layer moves records, against the embedded broker.
//
//   kafka-bench [--records N] [--partitions P] [--value-bytes B]
//       produces N records with KafkaProducer, then polls them into Swift values with
//       KafkaConsumer, and for comparison drains them with bare librdkafka calls.
//   kafka-bench --leak-loop K
//       K small produce/consume cycles exercising every code path that allocates
//       (headers, sendAndWait, seek, commits, errors); run under valgrind by
//       scripts/leakcheck.sh.
import CKafkaShim
import CRdKafka
import Foundation
import Kafka

struct Options {
  var records = 1_000_000
  var partitions = 32
  var valueBytes = 64
  var leakLoop: Int?

  init(_ arguments: [String]) throws {
    var iterator = arguments.makeIterator()
    while let flag = iterator.next() {
      guard let text = iterator.next(), let value = Int(text), value > 0 else {
        throw BenchError("\(flag) needs a positive integer")
      }
      switch flag {
      case "--records": records = value
      case "--partitions": partitions = value
      case "--value-bytes": valueBytes = value
      case "--leak-loop": leakLoop = value
      default: throw BenchError("unknown option \(flag)")
      }
    }
  }
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func rate(_ count: Int, _ duration: Duration) -> String {
  String(format: "%.0f records/s (%.2f s)", Double(count) / seconds(duration), seconds(duration))
}

/// Produces the records, then reads them back twice: through KafkaConsumer and bare.
func throughput(_ options: Options) throws {
  let topic = "bench"
  let broker = try EmbeddedBroker(topics: [topic: options.partitions])
  var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers)
  producerConfiguration.settings = ["log_level": "3"]
  let producer = try KafkaProducer(configuration: producerConfiguration)
  let value = [UInt8](repeating: 0x76, count: options.valueBytes)
  let clock = ContinuousClock()
  let produceStart = clock.now
  for index in 0..<options.records {
    try producer.send(topic: topic, key: Array("key-\(index % 100_000)".utf8), value: value)
  }
  let delivered = try producer.flush()
  let produceTime = clock.now - produceStart
  guard delivered == options.records else {
    throw BenchError("delivered \(delivered) of \(options.records)")
  }
  print("produce (KafkaProducer, idempotent): \(rate(options.records, produceTime))")

  for inPlace in [false, true] {
    let (time, cpu, bytes) = try swiftConsume(
      broker.bootstrapServers, topic, options, inPlace: inPlace)
    let how =
      inPlace
      ? "KafkaConsumer.pollMessages, read in place" : "KafkaConsumer.poll into KafkaRecord values"
    print(
      "consume (\(how), prefetched): \(rate(options.records, time)); "
        + "polling-thread CPU \(rate(options.records, cpu))")
    print("  value bytes seen: \(bytes)")
  }
  let (bare, bareCPU) = try bareConsume(broker.bootstrapServers, topic, options)
  print(
    "consume (bare rd_kafka_consumer_poll, no copies, prefetched): "
      + "\(rate(options.records, bare)); polling-thread CPU \(rate(options.records, bareCPU))")
}

/// Consumes every record with `KafkaConsumer` (a fresh consumer each time): copied into
/// `KafkaRecord`s, or read in place from a `KafkaMessageBatch`.
func swiftConsume(_ bootstrap: String, _ topic: String, _ options: Options, inPlace: Bool)
  throws -> (Duration, Duration, Int)
{
  var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: bootstrap)
  consumerConfiguration.settings = prefetchSettings
  let consumer = try KafkaConsumer(configuration: consumerConfiguration)
  let partitions = (0..<options.partitions).map { TopicPartition(topic, Int32($0)) }
  var held: Int64 = 0
  for partition in partitions { held += try consumer.queryWatermarks(partition).count }
  guard held == Int64(options.records) else {
    throw BenchError(
      "the broker holds \(held) of \(options.records) records: use more partitions (~5 MB each)")
  }
  try consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .beginning) }))
  // Let librdkafka prefetch everything first, so that the figure is the layer's own cost,
  // not the (shared, in-process) mock broker's fetch speed.
  Thread.sleep(forTimeInterval: prefetchSeconds)
  var consumed = 0
  var bytes = 0
  let clock = ContinuousClock()
  let consumeStart = clock.now
  let cpuStart = threadCPUTime()
  while consumed < options.records {
    let count: Int
    if inPlace {
      let batch = try consumer.pollMessages(maxRecords: 10_000, timeout: .seconds(5)).messages
      for index in 0..<batch.count { bytes &+= batch[index].value?.count ?? 0 }
      count = batch.count
    } else {
      let batch = try consumer.poll(maxRecords: 10_000, timeout: .seconds(5)).records
      for record in batch { bytes &+= record.value?.count ?? 0 }
      count = batch.count
    }
    guard count > 0 else { throw BenchError("stalled at \(consumed) records") }
    consumed += count
  }
  let time = clock.now - consumeStart
  let cpu = threadCPUTime() - cpuStart
  try consumer.close()
  return (time, cpu, bytes)
}

/// The floor: what librdkafka alone takes to hand over every record on this machine.
func bareConsume(_ bootstrap: String, _ topic: String, _ options: Options) throws -> (
  Duration, Duration
) {
  let conf = rd_kafka_conf_new()
  let settings = prefetchSettings.merging([
    "bootstrap.servers": bootstrap, "group.id": "bare", "enable.auto.commit": "false",
    "fetch.wait.max.ms": "10", "enable.partition.eof": "false",
  ]) { _, new in new }
  for (name, value) in settings {
    _ = rd_kafka_conf_set(conf, name, value, nil, 0)
  }
  guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, nil, 0) else {
    throw BenchError("cannot create a bare consumer")
  }
  defer { rd_kafka_destroy(handle) }
  rd_kafka_poll_set_consumer(handle)
  let list = rd_kafka_topic_partition_list_new(Int32(options.partitions))
  for partition in 0..<options.partitions {
    rd_kafka_topic_partition_list_add(list, topic, Int32(partition)).pointee.offset =
      idem_offset_beginning()
  }
  rd_kafka_assign(handle, list)
  rd_kafka_topic_partition_list_destroy(list)
  Thread.sleep(forTimeInterval: prefetchSeconds)
  let clock = ContinuousClock()
  let start = clock.now
  let cpuStart = threadCPUTime()
  var count = 0
  while count < options.records {
    guard let message = rd_kafka_consumer_poll(handle, 5000) else {
      throw BenchError("bare consumer stalled at \(count)")
    }
    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR { count += 1 }
    rd_kafka_message_destroy(message)
  }
  let elapsed = clock.now - start
  let cpu = threadCPUTime() - cpuStart
  rd_kafka_consumer_close(handle)
  return (elapsed, cpu)
}

/// Room for the whole topic in the consumer's prefetch queue.
let prefetchSettings = [
  "log_level": "3", "queued.max.messages.kbytes": "2000000", "queued.min.messages": "10000000",
]
let prefetchSeconds = 4.0

/// CPU time of the calling thread: the polling loop's own cost, whatever else runs.
func threadCPUTime() -> Duration {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
}

/// Small cycles through every allocating path, so that a leak grows with `cycles`.
func leakLoop(_ cycles: Int) throws {
  for cycle in 0..<cycles {
    let topic = "leak"
    let broker = try EmbeddedBroker(topics: [topic: 2])
    var producerConfiguration = KafkaProducerConfiguration(
      bootstrapServers: broker.bootstrapServers)
    producerConfiguration.settings = ["log_level": "2"]
    let producer = try KafkaProducer(configuration: producerConfiguration)
    for index in 0..<2000 {
      try producer.send(
        topic: topic, key: Array("k\(index)".utf8), value: Array("value-\(index)".utf8),
        headers: [KafkaHeader(name: "idempotency-key", value: "id-\(index)")])
    }
    let waited = Task {
      try await producer.sendAndWait(topic: topic, key: nil, value: [1, 2, 3], partition: 0)
    }
    try producer.flush()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
      _ = try? await waited.value
      semaphore.signal()
    }
    semaphore.wait()

    var consumerConfiguration = KafkaConsumerConfiguration(
      bootstrapServers: broker.bootstrapServers, groupID: "leak-check")
    consumerConfiguration.settings = ["log_level": "2"]
    let consumer = try KafkaConsumer(configuration: consumerConfiguration)
    let partitions = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
    try consumer.assign([partitions[0]: .beginning, partitions[1]: .beginning])
    var consumed = 0
    let deadline = ContinuousClock.now + .seconds(20)
    while consumed < 2001 && ContinuousClock.now < deadline {
      consumed += try consumer.poll(timeout: .milliseconds(100)).records.count
    }
    guard consumed == 2001 else { throw BenchError("cycle \(cycle): consumed \(consumed)") }
    try consumer.seek(partitions[0], to: .beginning)
    _ = try consumer.poll(timeout: .milliseconds(100))
    try consumer.commit([partitions[0]: 5])
    try consumer.commitAsync([partitions[1]: 7])
    _ = try consumer.poll(timeout: .milliseconds(100))
    _ = try consumer.committedOffsets(for: partitions)
    _ = try consumer.queryWatermarks(partitions[1])
    _ = consumer.cachedWatermarks(partitions[1])
    _ = try? consumer.seek(TopicPartition("absent", 0), to: .exact(1))
    try broker.injectErrors([.notLeaderForPartition], into: .fetch)
    try consumer.close()
    try producer.close()
    print("cycle \(cycle + 1)/\(cycles): \(consumed) records")
  }
}

do {
  let options = try Options(Array(CommandLine.arguments.dropFirst()))
  if let cycles = options.leakLoop {
    try leakLoop(cycles)
  } else {
    try throughput(options)
  }
} catch {
  FileHandle.standardError.write(Data("kafka-bench: \(error)\n".utf8))
  exit(1)
}
