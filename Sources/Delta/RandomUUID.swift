/// Version-4 UUID text for file names, from the system generator.
///
/// Foundation's `UUID()` on Linux opens and reads `/dev/urandom` for every id; a streaming
/// writer names three files per cycle, and the system generator (getrandom) needs no file.
enum RandomUUID {
  /// Lower-case `8-4-4-4-12` hex text with the version and variant bits set.
  static func text() -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (index, byte) in bytes.enumerated() {
      if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
