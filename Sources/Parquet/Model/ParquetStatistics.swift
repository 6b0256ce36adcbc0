/// Statistics of a column chunk (or, merged, of a whole column): min, max and null count.
/// Doubles' min/max skip NaN; strings compare bytewise.
public struct ParquetStatistics: Sendable, Equatable {
  public var min: ParquetScalar?
  public var max: ParquetScalar?
  public var nullCount: Int64?
  public var distinctCount: Int64?

  public init(
    min: ParquetScalar? = nil, max: ParquetScalar? = nil, nullCount: Int64? = nil,
    distinctCount: Int64? = nil
  ) {
    self.min = min
    self.max = max
    self.nullCount = nullCount
    self.distinctCount = distinctCount
  }

  /// Statistics covering both `self` and `other` (distinct count is dropped: not additive).
  public func merged(with other: ParquetStatistics) -> ParquetStatistics {
    func pick(_ a: ParquetScalar?, _ b: ParquetScalar?, wantLess: Bool) -> ParquetScalar? {
      guard let a else { return b }
      guard let b else { return a }
      return ParquetScalar.isLess(b, a) == wantLess ? b : a
    }
    var nulls: Int64?
    if let a = nullCount, let b = other.nullCount { nulls = a + b }
    return ParquetStatistics(
      min: pick(min, other.min, wantLess: true), max: pick(max, other.max, wantLess: false),
      nullCount: nulls)
  }

  init(
    thrift: ThriftStatistics, physicalType: ParquetPhysicalType, logicalType: ParquetLogicalType?
  ) {
    nullCount = thrift.nullCount
    distinctCount = thrift.distinctCount
    if let minValue = thrift.minValue, let maxValue = thrift.maxValue {
      min = ParquetScalar(plain: minValue, physicalType: physicalType)
      max = ParquetScalar(plain: maxValue, physicalType: physicalType)
    } else if let oldMin = thrift.min, let oldMax = thrift.max,
      Self.legacyOrderIsValid(physicalType, logicalType)
    {
      min = ParquetScalar(plain: oldMin, physicalType: physicalType)
      max = ParquetScalar(plain: oldMax, physicalType: physicalType)
    }
  }

  /// The deprecated min/max were written with signed ordering; they are trustworthy only
  /// where that equals the type's ordering (not for unsigned or byte-array columns).
  private static func legacyOrderIsValid(
    _ physicalType: ParquetPhysicalType, _ logicalType: ParquetLogicalType?
  ) -> Bool {
    switch physicalType {
    case .boolean, .int32, .int64, .double:
      if case .integer(_, false) = logicalType { return false }
      return true
    default: return false
    }
  }

  var thrift: ThriftStatistics {
    ThriftStatistics(
      nullCount: nullCount, distinctCount: distinctCount, maxValue: max?.plainBytes,
      minValue: min?.plainBytes)
  }
}
