/// The kinds of file found in `_delta_log`, parsed from their names.
///
/// Names follow the protocol: `%020d.json` commits, `%020d.checkpoint.parquet` single-file
/// checkpoints and `%020d.checkpoint.%010d.%010d.parquet` multi-part checkpoints.
enum LogFileName: Hashable {
  case commit(version: Int64)
  case checkpoint(version: Int64)
  case checkpointPart(version: Int64, part: Int, parts: Int)

  /// Parses a file name; nil for files the log does not consist of (temp files, `.crc`, …).
  init?(_ name: String) {
    let bytes = Array(name.utf8)
    guard bytes.count > 20, bytes[20] == UInt8(ascii: "."),
      let version = Self.number(bytes[0..<20])
    else { return nil }
    let rest = name.utf8.dropFirst(21)
    if rest.elementsEqual("json".utf8) {
      self = .commit(version: version)
    } else if rest.elementsEqual("checkpoint.parquet".utf8) {
      self = .checkpoint(version: version)
    } else {
      let pieces = String(decoding: rest, as: UTF8.self).split(separator: ".")
      guard pieces.count == 4, pieces[0] == "checkpoint", pieces[3] == "parquet",
        pieces[1].count == 10, pieces[2].count == 10,
        let part = Self.number(Array(pieces[1].utf8)[...]),
        let parts = Self.number(Array(pieces[2].utf8)[...]), part >= 1, part <= parts
      else { return nil }
      self = .checkpointPart(version: version, part: Int(part), parts: Int(parts))
    }
  }

  private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
    var value: Int64 = 0
    for digit in digits {
      guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
      if overflow1 || overflow2 { return nil }
      value = sum
    }
    return value
  }

  static func commit(_ version: Int64) -> String { "\(padded(version, 20)).json" }

  static func checkpoint(_ version: Int64) -> String { "\(padded(version, 20)).checkpoint.parquet" }

  static func checkpointPart(_ version: Int64, part: Int, parts: Int) -> String {
    "\(padded(version, 20)).checkpoint.\(padded(Int64(part), 10)).\(padded(Int64(parts), 10)).parquet"
  }

  static let lastCheckpoint = "_last_checkpoint"

  private static func padded(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
