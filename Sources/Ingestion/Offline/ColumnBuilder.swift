import OnlineStore
import Parquet

/// Accumulates one column of an offline batch, Arrow-style: a dense value array (a
/// placeholder where null) and a validity mask, so that a batch becomes Parquet column
/// data without a per-value enum on the way.
struct ColumnBuilder {
  enum Kind { case int64, double, boolean, string, int32 }

  let kind: Kind
  private var int64s: [Int64] = []
  private var int32s: [Int32] = []
  private var doubles: [Double] = []
  private var booleans: [Bool] = []
  private var strings = ByteArrayColumn()
  private var validity: [Bool] = []
  private var nulls = 0

  init(kind: Kind) { self.kind = kind }

  init(featureType: FeatureType) {
    switch featureType {
    case .bigint, .timestamp: self.init(kind: .int64)
    case .double: self.init(kind: .double)
    case .boolean: self.init(kind: .boolean)
    case .string: self.init(kind: .string)
    }
  }

  var count: Int { validity.count }

  /// Appends a decoded value; the decoder has already checked it against the column type.
  mutating func append(_ value: FeatureValue) {
    switch value {
    case .null: appendNull()
    case .bigint(let number), .timestamp(let number): append(int64: number)
    case .double(let number): append(double: number)
    case .boolean(let flag): append(boolean: flag)
    case .string(let text): append(string: text)
    }
  }

  mutating func appendNull() {
    switch kind {
    case .int64: int64s.append(0)
    case .int32: int32s.append(0)
    case .double: doubles.append(0)
    case .boolean: booleans.append(false)
    case .string: strings.appendEmpty()
    }
    validity.append(false)
    nulls += 1
  }

  mutating func append(int64 value: Int64) {
    int64s.append(value)
    validity.append(true)
  }

  mutating func append(int32 value: Int32) {
    int32s.append(value)
    validity.append(true)
  }

  mutating func append(double value: Double) {
    doubles.append(value)
    validity.append(true)
  }

  mutating func append(boolean value: Bool) {
    booleans.append(value)
    validity.append(true)
  }

  mutating func append(string value: String) {
    strings.append(value)
    validity.append(true)
  }

  mutating func append(bytes value: UnsafeRawBufferPointer) {
    strings.append(value)
    validity.append(true)
  }

  /// The value at `row` as a feature of `type` (the type the column was built for).
  func value(at row: Int, as type: FeatureType) -> FeatureValue {
    guard validity[row] else { return .null }
    switch type {
    case .bigint: return .bigint(int64s[row])
    case .timestamp: return .timestamp(int64s[row])
    case .double: return .double(doubles[row])
    case .boolean: return .boolean(booleans[row])
    case .string: return .string(strings.string(at: row))
    }
  }

  func int64(at row: Int) -> Int64 { int64s[row] }
  /// The values of an int64 column that has no nulls.
  var int64Values: [Int64] { int64s }
  /// The values of an int32 column that has no nulls.
  var int32Values: [Int32] { int32s }
  func int32(at row: Int) -> Int32 { int32s[row] }

  /// The column as the online apply reads it: the same arrays, shared, not copied.
  func onlineValues(as type: FeatureType) -> OnlineColumnValues {
    let storage: OnlineColumnValues.Storage
    switch kind {
    case .int64: storage = .integers(int64s)
    case .int32: storage = .integers(int32s.map(Int64.init))
    case .double: storage = .doubles(doubles)
    case .boolean: storage = .booleans(booleans)
    case .string: storage = .strings(bytes: strings.bytes, offsets: strings.offsets)
    }
    return OnlineColumnValues(
      type: type.onlineType, storage: storage, validity: nulls == 0 ? nil : validity)
  }

  /// The column as the Parquet writer takes it; no mask when nothing is null.
  func finish() -> ParquetColumnValues {
    let mask = nulls == 0 ? nil : validity
    switch kind {
    case .int64: return .int64(int64s, validity: mask)
    case .int32: return .int32(int32s, validity: mask)
    case .double: return .double(doubles, validity: mask)
    case .boolean: return .boolean(booleans, validity: mask)
    case .string: return .byteArray(strings, validity: mask)
    }
  }
}
