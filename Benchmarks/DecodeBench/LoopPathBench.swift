import Foundation
import Ingestion
import Kafka

/// The loop thread's work per record after the poll: decode, decide against the dedup index
/// and lay the row out in the batch's columns (`RecordDecider.take`), with batches cut at
/// the service's 8 MiB bound and their dedup entries committed as `commitBatch` does.
///
/// The records follow gen.py: 64 partitions, 5% re-sent duplicates (the copy right after the
/// original, in the same partition). They come in runs of 500 per partition, as a consumer
/// hands over what each fetch brought.
struct LoopPathBench {
  let records: [KafkaRecord]

  init(corpus: Corpus, partitions: Int32 = 64, duplicateEvery: Int = 20, runLength: Int = 500) {
    var records: [KafkaRecord] = []
    records.reserveCapacity(corpus.ranges.count + corpus.ranges.count / duplicateEvery)
    var nextOffsets = [Int64](repeating: 0, count: Int(partitions))
    func send(_ value: [UInt8], partition: Int32) {
      let offset = nextOffsets[Int(partition)]
      nextOffsets[Int(partition)] += 1
      records.append(
        KafkaRecord(
          topic: "bench", partition: partition, offset: offset, key: nil, value: value,
          timestampMilliseconds: 1_767_225_600_000 + Int64(records.count)))
    }
    for (index, range) in corpus.ranges.enumerated() {
      let value = Array(corpus.bytes[range])
      let partition = Int32(index / runLength) % partitions
      send(value, partition: partition)
      if index % duplicateEvery == 0 { send(value, partition: partition) }
    }
    self.records = records
  }

  /// Takes every record once, into fresh dedup state; returns the rows laid out.
  @inline(never)
  func takeAll(config: IdemstreamConfig, maxBatchBytes: Int = 8 << 20) -> Int {
    var decider = RecordDecider(
      config: config, dedup: DedupIndex(windowMillis: config.dedup.windowMillis),
      offlinePositions: OfflinePositions(), onlinePositions: OnlinePositions())
    var batch = PendingBatch(groups: config.featureGroups)
    var rows = 0
    for record in records {
      decider.take(record, into: &batch)
      if batch.rowCount >= config.offline.maxRowsPerCommit || batch.inputBytes >= maxBatchBytes {
        rows += batch.rowCount
        _ = decider.dedup.commitPending()
        _ = decider.submit(batch)
        batch = PendingBatch(groups: config.featureGroups)
      }
    }
    rows += batch.rowCount
    _ = decider.dedup.commitPending()
    return rows
  }
}
