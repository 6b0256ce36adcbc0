/// Formats epoch microseconds as RFC 3339 in UTC with six fraction digits, the form every
/// tool prints (`2026-01-01T00:00:00.000000Z`), without Foundation's date formatters.
public enum RFC3339 {
  public static func format(micros: Int64) -> String {
    let perDay: Int64 = 86_400_000_000
    var days = micros / perDay
    var inDay = micros % perDay
    if inDay < 0 {
      inDay += perDay
      days -= 1
    }
    let (year, month, day) = civil(fromDays: days)
    let seconds = inDay / 1_000_000
    let fraction = inDay % 1_000_000
    return
      "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):"
      + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(fraction, 6))Z"
  }

  /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }
}
