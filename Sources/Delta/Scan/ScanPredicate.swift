/// A simple condition on one column, used to skip files whose statistics prove that no row can
/// satisfy it. Files without usable statistics are always kept: skipping is an optimisation,
/// never a filter that could lose rows.
public struct ScanPredicate: Sendable, Hashable {
  public let column: String
  /// Inclusive lower bound, if any.
  public let lowerBound: DeltaScalar?
  /// Inclusive upper bound, if any.
  public let upperBound: DeltaScalar?

  /// `column == value`.
  public static func equal(_ column: String, _ value: DeltaScalar) -> ScanPredicate {
    ScanPredicate(column: column, lowerBound: value, upperBound: value)
  }

  /// `lower <= column <= upper`, either bound optional.
  public static func between(_ column: String, _ lower: DeltaScalar?, _ upper: DeltaScalar?)
    -> ScanPredicate
  {
    ScanPredicate(column: column, lowerBound: lower, upperBound: upper)
  }

  /// False only when `file`'s statistics show that no row matches.
  public func mightMatch(_ file: AddFile, schema: DeltaSchema) -> Bool {
    guard let field = schema.field(named: column), let stats = try? file.statistics() else {
      return true
    }
    if let nulls = stats.nullCount(of: column), nulls >= stats.numRecords {
      return false  // every value is null: no comparison can hold
    }
    return mightMatch(
      minimum: stats.minValues[column].flatMap { DeltaScalar(statistic: $0, type: field.type) },
      maximum: stats.maxValues[column].flatMap { DeltaScalar(statistic: $0, type: field.type) })
  }

  /// False only when a range of values `minimum...maximum` (either unknown: nil) cannot
  /// hold a match: the test behind both file and row-group skipping.
  func mightMatch(minimum: DeltaScalar?, maximum: DeltaScalar?) -> Bool {
    if let upperBound, let minimum, let order = DeltaScalar.compare(minimum, upperBound),
      order > 0
    {
      return false
    }
    if let lowerBound, let maximum,
      let order = DeltaScalar.compare(Self.widenedMaximum(maximum), lowerBound), order < 0
    {
      return false
    }
    return true
  }

  /// Spark truncates timestamp statistics to milliseconds, so a stored maximum may be up to
  /// 999 µs below the real one; widening it keeps such files instead of wrongly skipping them.
  private static func widenedMaximum(_ value: DeltaScalar) -> DeltaScalar {
    if case .timestamp(let micros) = value { return .timestamp(micros &+ 999) }
    return value
  }
}
