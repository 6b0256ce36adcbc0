/// Converts the two timestamp forms of a feature write (docs/reference.md) to microseconds since the Unix
/// epoch, UTC: epoch milliseconds, or an RFC 3339 string with up to six fraction digits and
/// a `Z` or `±hh:mm` offset (normalised to UTC).
///
/// Both forms are limited to years 0001–9999 so that every accepted time can be written back
/// as RFC 3339 and stored as a Parquet/Delta timestamp.
public enum TimestampParser {
  /// 0001-01-01T00:00:00Z in epoch milliseconds.
  public static let minimumMillis: Int64 = -62_135_596_800_000
  /// 9999-12-31T23:59:59.999Z in epoch milliseconds.
  public static let maximumMillis: Int64 = 253_402_300_799_999

  /// Epoch milliseconds to microseconds, or nil outside years 0001–9999.
  public static func micros(fromEpochMillis millis: Int64) -> Int64? {
    guard millis >= minimumMillis && millis <= maximumMillis else { return nil }
    return millis * 1000
  }

  /// Parses an RFC 3339 date-time; the error string says what is wrong with it.
  public static func micros(fromRFC3339 text: String) -> Result<Int64, TimestampError> {
    var text = text
    return text.withUTF8 { micros(fromRFC3339: $0) }
  }

  /// Parses an RFC 3339 date-time given as UTF-8 bytes.
  static func micros(fromRFC3339 bytes: UnsafeBufferPointer<UInt8>) -> Result<Int64, TimestampError>
  {
    let count = bytes.count
    func digits(_ offset: Int, _ length: Int) -> Int? {
      guard offset + length <= count else { return nil }
      var value = 0
      for index in offset..<(offset + length) {
        let digit = bytes[index] &- 0x30
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
      }
      return value
    }
    func byte(_ offset: Int) -> UInt8 { offset < count ? bytes[offset] : 0 }

    let shape = "expected RFC 3339 like 2026-01-01T12:00:00.123456Z or with an offset like +02:00"
    guard let year = digits(0, 4), byte(4) == 0x2D, let month = digits(5, 2), byte(7) == 0x2D,
      let day = digits(8, 2), byte(10) | 0x20 == 0x74, let hour = digits(11, 2), byte(13) == 0x3A,
      let minute = digits(14, 2), byte(16) == 0x3A, let second = digits(17, 2)
    else { return .failure(TimestampError(shape)) }
    guard year >= 1 else {
      return .failure(TimestampError("year 0000 is out of range (0001–9999)"))
    }
    guard month >= 1 && month <= 12 else {
      return .failure(TimestampError("month \(month) is out of range"))
    }
    guard day >= 1 && day <= daysInMonth(year: year, month: month) else {
      return .failure(
        TimestampError("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)"))
    }
    guard hour <= 23, minute <= 59, second <= 59 else {
      return .failure(
        TimestampError(
          "time \(hour):\(minute):\(second) is out of range (leap seconds are not accepted)"))
    }
    var index = 19
    var fractionMicros = 0
    if byte(index) == 0x2E {
      index += 1
      var fractionDigits = 0
      while index < count, bytes[index] &- 0x30 < 10 {
        fractionDigits += 1
        guard fractionDigits <= 6 else {
          return .failure(
            TimestampError("more than 6 fraction digits (microseconds are the finest unit)"))
        }
        fractionMicros = fractionMicros * 10 + Int(bytes[index] &- 0x30)
        index += 1
      }
      guard fractionDigits > 0 else { return .failure(TimestampError("a digit must follow '.'")) }
      for _ in fractionDigits..<6 { fractionMicros *= 10 }
    }
    var offsetSeconds = 0
    switch byte(index) {
    case 0x5A, 0x7A:
      index += 1
    case 0x2B, 0x2D:
      guard let offsetHours = digits(index + 1, 2), byte(index + 3) == 0x3A,
        let offsetMinutes = digits(index + 4, 2), offsetHours <= 23, offsetMinutes <= 59
      else { return .failure(TimestampError("invalid UTC offset, expected ±hh:mm")) }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
      index += 6
    default:
      return .failure(TimestampError("missing time zone: end with Z or an offset like +02:00"))
    }
    guard index == count else {
      return .failure(TimestampError("unexpected text after the time zone"))
    }
    let days = daysSinceEpoch(year: year, month: month, day: day)
    let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
    let micros = seconds * 1_000_000 + Int64(fractionMicros)
    guard micros >= minimumMillis * 1000 && micros <= maximumMillis * 1000 + 999 else {
      return .failure(TimestampError("outside years 0001–9999 once converted to UTC"))
    }
    return .success(micros)
  }

  static func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 to the given proleptic Gregorian date. Counting from March makes
  /// the leap day the last day of the shifted year, so each 400-year era has a fixed layout.
  static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let monthFromMarch = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}

/// Why a timestamp string was rejected.
public struct TimestampError: Error, Sendable, Hashable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
