/// Just enough XML for S3's answers: the text of elements by name, in document order.
/// S3's answers are flat and unnamespaced where it matters here; no attributes, CDATA or
/// nesting of an element inside itself are read.
enum S3XML {
  /// The text of every `<name>…</name>` inside `text`, unescaped.
  static func values(_ name: String, in text: Substring) -> [String] {
    elements(name, in: text).map { unescape($0) }
  }

  static func firstValue(_ name: String, in text: String) -> String? {
    values(name, in: Substring(text)).first
  }

  /// The raw content of every `<name>…</name>` (also `<name/>`: empty).
  static func elements(_ name: String, in text: Substring) -> [Substring] {
    let open = "<\(name)>"
    let empty = "<\(name)/>"
    let close = "</\(name)>"
    var found: [Substring] = []
    var rest = text[...]
    while true {
      let opening = firstRange(of: open, in: rest)
      let emptyTag = firstRange(of: empty, in: rest)
      if let emptyTag, opening.map({ emptyTag.lowerBound < $0.lowerBound }) ?? true {
        found.append("")
        rest = rest[emptyTag.upperBound...]
        continue
      }
      guard let start = opening else { break }
      guard let end = firstRange(of: close, in: rest[start.upperBound...]) else { break }
      found.append(rest[start.upperBound..<end.lowerBound])
      rest = rest[end.upperBound...]
    }
    return found
  }

  private static func firstRange(of needle: String, in haystack: Substring) -> Range<String.Index>?
  {
    haystack.range(of: needle)
  }

  static func unescape(_ raw: Substring) -> String {
    guard raw.contains("&") else { return String(raw) }
    var result = ""
    var index = raw.startIndex
    while index < raw.endIndex {
      let character = raw[index]
      guard character == "&", let semicolon = raw[index...].firstIndex(of: ";") else {
        result.append(character)
        index = raw.index(after: index)
        continue
      }
      let entity = raw[raw.index(after: index)..<semicolon]
      switch entity {
      case "amp": result.append("&")
      case "lt": result.append("<")
      case "gt": result.append(">")
      case "quot": result.append("\"")
      case "apos": result.append("'")
      default:
        var scalar: Unicode.Scalar?
        if entity.hasPrefix("#x") {
          scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if entity.hasPrefix("#") {
          scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
        }
        if let scalar {
          result.unicodeScalars.append(scalar)
        } else {
          result += "&\(entity);"
        }
      }
      index = raw.index(after: semicolon)
    }
    return result
  }

  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      default: result.append(character)
      }
    }
    return result
  }
}
