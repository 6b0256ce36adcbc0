import Parquet
import TestSupport

/// Random schemas, batches and writer options for the property tests: nulls, empty and
/// non-ASCII strings, extreme integers, NaN, ±inf and -0.0, low and high cardinality.
struct RandomData {
  var random: SplitMix64

  init(seed: UInt64) { random = SplitMix64(seed: seed) }

  enum Kind: CaseIterable { case int32, int64, double, boolean, string, timestamp }

  mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

  mutating func schema() throws -> (ParquetSchema, [Kind]) {
    let count = Int.random(in: 1...8, using: &random)
    var fields: [ParquetField] = []
    var kinds: [Kind] = []
    for index in 0..<count {
      let kind = Kind.allCases.randomElement(using: &random)!
      let nullable = chance(60)
      let name = "c\(index)_\(kind)"
      switch kind {
      case .int32: fields.append(.int32(name, nullable: nullable))
      case .int64: fields.append(.int64(name, nullable: nullable))
      case .double: fields.append(.double(name, nullable: nullable))
      case .boolean: fields.append(.boolean(name, nullable: nullable))
      case .string: fields.append(.string(name, nullable: nullable))
      case .timestamp: fields.append(.timestampMicros(name, nullable: nullable))
      }
      kinds.append(kind)
    }
    return (try ParquetSchema(fields), kinds)
  }

  mutating func options() -> ParquetWriterOptions {
    var options = ParquetWriterOptions()
    options.compression = [.zstd, .snappy, .uncompressed].randomElement(using: &random)!
    options.dictionaryEnabled = chance(70)
    options.dictionaryPageSizeLimit = chance(30) ? Int.random(in: 8...512, using: &random) : 1 << 20
    options.dataPageSize = chance(50) ? Int.random(in: 16...4096, using: &random) : 1 << 20
    options.maxRowsPerRowGroup = chance(60) ? Int.random(in: 1...700, using: &random) : 1 << 20
    options.dataPageVersion = chance(50) ? .v1 : .v2
    return options
  }

  mutating func column(_ kind: Kind, nullable: Bool, rows: Int) -> ParquetColumnValues {
    let nullPercent = nullable ? [0, 5, 50, 100].randomElement(using: &random)! : 0
    let validity: [Bool]? =
      nullable && nullPercent > 0 ? (0..<rows).map { _ in !chance(nullPercent) } : nil
    let lowCardinality = chance(50)
    switch kind {
    case .int32:
      let pool: [Int32] = [.min, .max, 0, -1, 1]
      return .int32(
        (0..<rows).map { _ in
          chance(10)
            ? pool.randomElement(using: &random)!
            : lowCardinality
              ? Int32.random(in: -3...3, using: &random)
              : Int32.random(in: .min ... .max, using: &random)
        }, validity: validity)
    case .int64, .timestamp:
      let pool: [Int64] = [.min, .max, 0, -1, 1]
      return .int64(
        (0..<rows).map { _ in
          chance(10)
            ? pool.randomElement(using: &random)!
            : lowCardinality
              ? Int64.random(in: -3...3, using: &random)
              : Int64.random(in: .min ... .max, using: &random)
        }, validity: validity)
    case .double:
      let pool: [Double] = [
        .nan, .infinity, -.infinity, -0.0, 0.0, .greatestFiniteMagnitude, -.leastNonzeroMagnitude,
      ]
      return .double(
        (0..<rows).map { _ in
          chance(15)
            ? pool.randomElement(using: &random)!
            : lowCardinality
              ? Double(Int.random(in: -3...3, using: &random)) / 4
              : Double.random(in: -1e300...1e300, using: &random)
        }, validity: validity)
    case .boolean:
      let bias = Int.random(in: 0...100, using: &random)
      return .boolean((0..<rows).map { _ in chance(bias) }, validity: validity)
    case .string:
      var column = ByteArrayColumn()
      for _ in 0..<rows { column.append(string(lowCardinality: lowCardinality)) }
      return .byteArray(column, validity: validity)
    }
  }

  mutating func string(lowCardinality: Bool) -> String {
    let pieces = ["", "a", "ü", "日本", "😀", "zz", " ", "\u{0}", "Ωmega", "é"]
    if lowCardinality { return pieces.randomElement(using: &random)! }
    let length =
      chance(5) ? Int.random(in: 100...400, using: &random) : Int.random(in: 0...12, using: &random)
    return (0..<length).map { _ in pieces.randomElement(using: &random)! }.joined()
  }

  /// A random checkpoint-shaped row; maps and lists of random sizes, values often null.
  mutating func checkpointRow() -> [String: ParquetValue] {
    func maybe(_ value: ParquetValue) -> ParquetValue { chance(25) ? .null : value }
    var row: [String: ParquetValue] = [:]
    switch Int.random(in: 0..<5, using: &random) {
    case 0:
      row["txn"] = .struct([
        "appId": .string(string(lowCardinality: false)),
        "version": .int64(Int64.random(in: .min ... .max, using: &random)),
        "lastUpdated": maybe(.int64(Int64.random(in: 0...1 << 50, using: &random))),
      ])
    case 1:
      row["add"] = .struct([
        "path": .string(string(lowCardinality: false)), "partitionValues": randomMap(),
        "size": .int64(1),
        "modificationTime": .int64(-5), "dataChange": .boolean(chance(50)),
        "stats": maybe(.string(string(lowCardinality: false))), "tags": maybe(randomMap()),
      ])
    case 2:
      row["remove"] = .struct([
        "path": .string(string(lowCardinality: true)), "deletionTimestamp": maybe(.int64(7)),
        "dataChange": .boolean(chance(50)), "extendedFileMetadata": maybe(.boolean(true)),
        "partitionValues": maybe(randomMap()), "size": maybe(.int64(Int64.max)),
      ])
    case 3:
      let columns = (0..<Int.random(in: 0...4, using: &random)).map { _ in
        maybe(.string(string(lowCardinality: true)))
      }
      row["metaData"] = .struct([
        "id": .string("id"), "name": maybe(.string("n")), "description": .null,
        "format": .struct(["provider": .string("parquet"), "options": maybe(randomMap())]),
        "schemaString": .string(string(lowCardinality: false)),
        "partitionColumns": maybe(.list(columns)),
        "configuration": maybe(randomMap()), "createdTime": maybe(.int64(3)),
      ])
    default:
      row["protocol"] = .struct([
        "minReaderVersion": .int32(Int32.random(in: 1...3, using: &random)),
        "minWriterVersion": .int32(7),
      ])
    }
    return row
  }

  private mutating func randomMap() -> ParquetValue {
    let count = [0, 0, 1, 2, 5].randomElement(using: &random)!
    return .map(
      (0..<count).map { index in
        (
          "k\(index)\(string(lowCardinality: true))",
          chance(30) ? .null : .string(string(lowCardinality: false))
        )
      })
  }
}
