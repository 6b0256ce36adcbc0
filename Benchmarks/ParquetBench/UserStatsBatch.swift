import Foundation
import Parquet

/// The user_stats offline table layout of the contract (section 5).
func userStatsSchema() throws -> ParquetSchema {
  try ParquetSchema([
    .string("user_id"), .timestampMicros("event_time"), .int64("clicks", nullable: true),
    .double("spend", nullable: true), .string("country", nullable: true),
    .boolean("active", nullable: true),
    .string("_op"), .string("_idempotency_key"), .string("_kafka_topic"),
    .int32("_kafka_partition"),
    .int64("_kafka_offset"),
  ])
}

/// Deterministic rows shaped like a real feature stream: 100k users, a few countries,
/// unique idempotency keys, 8 partitions.
func makeBatch(rows: Int) -> [ParquetColumnValues] {
  var state: UInt64 = 42
  func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
  let countries = ["DE", "FR", "US", "GB", "JP", "BR", "IN", "ES"]
  var users = ByteArrayColumn()
  var countryColumn = ByteArrayColumn()
  var operations = ByteArrayColumn()
  var keys = ByteArrayColumn()
  var topics = ByteArrayColumn()
  users.reserveCapacity(values: rows, bytes: rows * 11)
  keys.reserveCapacity(values: rows, bytes: rows * 36)
  var eventTimes = [Int64]()
  var clicks = [Int64]()
  var spend = [Double]()
  var active = [Bool]()
  var partitions = [Int32]()
  var offsets = [Int64]()
  var countryValid = [Bool]()
  var clicksValid = [Bool]()
  for row in 0..<rows {
    let random = next()
    users.append("user-\(random % 100_000)")
    eventTimes.append(1_767_225_600_000_000 + Int64(row) * 1_000 + Int64(random % 1_000))
    clicks.append(Int64(random >> 20 % 10_000))
    clicksValid.append(random % 50 != 0)
    spend.append(Double(random % 100_000) / 100)
    let hasCountry = random % 10 != 3
    countryValid.append(hasCountry)
    if hasCountry {
      countryColumn.append(countries[Int(random >> 8) % countries.count])
    } else {
      countryColumn.appendEmpty()
    }
    active.append(random & 1 == 0)
    operations.append(random % 20 == 0 ? "delete" : "upsert")
    let key = next()
    keys.append(String(format: "%016llx-%04x-%016llx", key, row & 0xFFFF, random))
    topics.append("features")
    partitions.append(Int32(row % 8))
    offsets.append(Int64(row / 8))
  }
  return [
    .byteArray(users, validity: nil), .int64(eventTimes, validity: nil),
    .int64(clicks, validity: clicksValid),
    .double(spend, validity: nil), .byteArray(countryColumn, validity: countryValid),
    .boolean(active, validity: nil), .byteArray(operations, validity: nil),
    .byteArray(keys, validity: nil),
    .byteArray(topics, validity: nil), .int32(partitions, validity: nil),
    .int64(offsets, validity: nil),
  ]
}
