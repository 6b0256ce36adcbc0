/// ISO-8601 text for timestamp and date statistics, as Spark and delta-rs write them.
///
/// Hand-rolled (proleptic Gregorian, UTC) rather than `DateFormatter`: it keeps microsecond
/// precision, which `Date` round-trips lose, and it is fast enough to run per file.
enum TimestampText {
  /// `2024-01-01T00:00:00.123456Z`; the fraction is left out when it is zero.
  static func format(microseconds: Int64) -> String {
    let (days, micros) = floorDivide(microseconds, 86_400_000_000)
    let (year, month, day) = civil(fromDays: days)
    let seconds = micros / 1_000_000
    let fraction = micros % 1_000_000
    var text =
      "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):"
      + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    if fraction != 0 { text += "." + pad(fraction, 6) }
    return text + "Z"
  }

  /// `2024-01-01`.
  static func format(days: Int32) -> String {
    let (year, month, day) = civil(fromDays: Int64(days))
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  /// Parses `yyyy-MM-dd[T ]HH:mm:ss[.fraction][Z|±HH:mm]` into microseconds since the epoch.
  static func parseMicroseconds(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 19, let days = parseDays(bytes[0..<10]),
      bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      let hour = number(bytes[11..<13]), bytes[13] == UInt8(ascii: ":"),
      let minute = number(bytes[14..<16]), bytes[16] == UInt8(ascii: ":"),
      let second = number(bytes[17..<19]), hour < 24, minute < 60, second < 61
    else { return nil }
    var index = 19
    var fraction: Int64 = 0
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      var digits = 0
      while index < bytes.count, let digit = digitValue(bytes[index]) {
        if digits < 6 { fraction = fraction * 10 + digit }
        digits += 1
        index += 1
      }
      guard digits > 0 else { return nil }
      for _ in digits..<max(digits, 6) { fraction *= 10 }
    }
    var offsetSeconds: Int64 = 0
    if index < bytes.count {
      if bytes[index] == UInt8(ascii: "Z"), index + 1 == bytes.count {
        index += 1
      } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
        bytes.count == index + 6, let offsetHours = number(bytes[(index + 1)..<(index + 3)]),
        bytes[index + 3] == UInt8(ascii: ":"),
        let offsetMinutes = number(bytes[(index + 4)..<(index + 6)])
      {
        let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
        offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        index += 6
      } else {
        return nil
      }
    }
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    return seconds * 1_000_000 + fraction
  }

  /// Parses `yyyy-MM-dd` into days since the epoch.
  static func parseDays(_ text: String) -> Int32? {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, let days = parseDays(bytes[0..<10]) else { return nil }
    return Int32(exactly: days)
  }

  private static func parseDays(_ bytes: ArraySlice<UInt8>) -> Int64? {
    let start = bytes.startIndex
    guard let year = number(bytes[start..<(start + 4)]), bytes[start + 4] == UInt8(ascii: "-"),
      let month = number(bytes[(start + 5)..<(start + 7)]), bytes[start + 7] == UInt8(ascii: "-"),
      let day = number(bytes[(start + 8)..<(start + 10)]), (1...12).contains(month),
      (1...31).contains(day)
    else { return nil }
    return days(fromCivil: year, month, day)
  }

  private static func digitValue(_ byte: UInt8) -> Int64? {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
  }

  private static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
    var value: Int64 = 0
    for byte in bytes {
      guard let digit = digitValue(byte) else { return nil }
      value = value * 10 + digit
    }
    return value
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
    let quotient = value / divisor
    let remainder = value % divisor
    return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
  }

  /// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
  private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
