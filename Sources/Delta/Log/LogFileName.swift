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
    var name = name
    guard let parsed = name.withUTF8({ Self.parse($0) }) else { return nil }
    self = parsed
  }

  /// Parses the raw bytes of a directory entry name without allocating.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> LogFileName? {
    guard bytes.count > 21, bytes[20] == UInt8(ascii: "."),
      let version = number(bytes[0..<20])
    else { return nil }
    let rest = bytes[21...]
    if rest.elementsEqual("json".utf8) { return .commit(version: version) }
    if rest.elementsEqual("checkpoint.parquet".utf8) { return .checkpoint(version: version) }
    // checkpoint.%010d.%010d.parquet
    let prefix = "checkpoint.".utf8
    guard rest.count == prefix.count + 10 + 1 + 10 + ".parquet".utf8.count,
      rest.prefix(prefix.count).elementsEqual(prefix)
    else { return nil }
    let partStart = rest.startIndex + prefix.count
    let countStart = partStart + 11
    guard bytes[partStart + 10] == UInt8(ascii: "."),
      bytes[(countStart + 10)...].elementsEqual(".parquet".utf8),
      let part = number(bytes[partStart..<(partStart + 10)]),
      let parts = number(bytes[countStart..<(countStart + 10)]), part >= 1, part <= parts
    else { return nil }
    return .checkpointPart(version: version, part: Int(part), parts: Int(parts))
  }

  private static func number(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
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
