/// Parses the config's durations: a number and a unit (`500ms`, `45s`, `30m`, `12h`, `7d`),
/// optionally several in a row (`1h30m`).
public enum DurationParser {
  static let units: [(suffix: String, millis: Int64)] = [
    ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
  ]

  /// Milliseconds, or nil when `text` is not a duration.
  public static func millis(_ text: String) -> Int64? {
    var remaining = Substring(text.trimmingCharactersInWhitespace())
    guard !remaining.isEmpty else { return nil }
    var total: Int64 = 0
    while !remaining.isEmpty {
      let digits = remaining.prefix { $0.isASCII && $0.isNumber }
      guard !digits.isEmpty, let amount = Int64(digits) else { return nil }
      remaining = remaining.dropFirst(digits.count)
      let unitText = remaining.prefix { $0.isASCII && $0.isLetter }
      guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
      remaining = remaining.dropFirst(unitText.count)
      let (product, overflow) = amount.multipliedReportingOverflow(by: unit.millis)
      guard !overflow else { return nil }
      let (sum, sumOverflow) = total.addingReportingOverflow(product)
      guard !sumOverflow else { return nil }
      total = sum
    }
    return total
  }

  /// `millis` in the largest unit that divides it (`86400000` → `1d`), as the config takes it.
  public static func text(millis: Int64) -> String {
    for unit in units.reversed() where millis != 0 && millis % unit.millis == 0 {
      return "\(millis / unit.millis)\(unit.suffix)"
    }
    return "\(millis)ms"
  }
}

extension String {
  func trimmingCharactersInWhitespace() -> String {
    String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}
