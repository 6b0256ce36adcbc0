/// A simple condition on one column, used to skip files whose statistics prove that no row can
/// satisfy it. Files without usable statistics are always kept: skipping is an optimisation,
/// never a filter that could lose rows.
public struct ScanPredicate: Sendable, Hashable {
  public let column: String
  /// Inclusive lower bound, if any.
  public let lowerBound: DeltaScalar?
  /// Inclusive upper bound, if any.
  public let upperBound: DeltaScalar?
  /// For `oneOf`: the values, sorted, between the bounds (the smallest and the greatest).
  let values: [DeltaScalar]?

  /// `column == value`.
  public static func equal(_ column: String, _ value: DeltaScalar) -> ScanPredicate {
    ScanPredicate(column: column, lowerBound: value, upperBound: value, values: nil)
  }

  /// `lower <= column <= upper`, either bound optional.
  public static func between(_ column: String, _ lower: DeltaScalar?, _ upper: DeltaScalar?)
    -> ScanPredicate
  {
    ScanPredicate(column: column, lowerBound: lower, upperBound: upper, values: nil)
  }

  /// `column` equals one of `values`. One predicate, not one `equal` per value: a file is
  /// kept when some value falls in its range, found by a binary search, so a look-up of
  /// 100,000 keys costs a few comparisons per file instead of 100,000. Values of different
  /// kinds cannot be ordered; then nothing is skipped.
  public static func oneOf(_ column: String, _ values: [DeltaScalar]) -> ScanPredicate {
    let comparable = values.allSatisfy { DeltaScalar.compare($0, values[0]) != nil }
    guard comparable, !values.isEmpty else {
      return ScanPredicate(column: column, lowerBound: nil, upperBound: nil, values: nil)
    }
    let sorted = Array(Set(values)).sorted { DeltaScalar.compare($0, $1)! < 0 }
    return ScanPredicate(
      column: column, lowerBound: sorted.first, upperBound: sorted.last, values: sorted)
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
    guard let values, let minimum, let maximum,
      DeltaScalar.compare(minimum, values[0]) != nil
    else { return true }
    // The smallest value at or above the minimum; a match needs it at or below the maximum.
    var low = 0
    var high = values.count
    while low < high {
      let middle = (low + high) / 2
      if DeltaScalar.compare(values[middle], minimum)! < 0 {
        low = middle + 1
      } else {
        high = middle
      }
    }
    guard low < values.count else { return false }
    return DeltaScalar.compare(values[low], Self.widenedMaximum(maximum)).map { $0 <= 0 } ?? true
  }

  /// Spark truncates timestamp statistics to milliseconds, so a stored maximum may be up to
  /// 999 µs below the real one; widening it keeps such files instead of wrongly skipping them.
  private static func widenedMaximum(_ value: DeltaScalar) -> DeltaScalar {
    if case .timestamp(let micros) = value { return .timestamp(micros &+ 999) }
    return value
  }
}
