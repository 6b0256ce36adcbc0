import OnlineStore

/// The order of entity keys that the tools print in: column by column, nulls first, numbers
/// by value, strings byte by byte (as SQLite and `online dump` order them, not by Swift's
/// Unicode collation), false before true, timestamps by time.
enum KeyOrder {
  static func precedes(_ left: [OnlineValue], _ right: [OnlineValue]) -> Bool {
    for (a, b) in zip(left, right) {
      let order = compare(a, b)
      if order != 0 { return order < 0 }
    }
    return left.count < right.count
  }

  /// -1, 0 or 1. Values of different kinds (which one key column does not hold) order by
  /// kind, as SQLite orders its storage classes: null, numbers, text.
  static func compare(_ a: OnlineValue, _ b: OnlineValue) -> Int {
    func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
    switch (a, b) {
    case (.bigint(let x), .bigint(let y)), (.timestamp(let x), .timestamp(let y)):
      return sign(x, y)
    case (.double(let x), .double(let y)): return sign(x, y)
    case (.bigint(let x), .double(let y)): return sign(Double(x), y)
    case (.double(let x), .bigint(let y)): return sign(x, Double(y))
    case (.string(let x), .string(let y)):
      let (left, right) = (Array(x.utf8), Array(y.utf8))
      return left.lexicographicallyPrecedes(right)
        ? -1 : (right.lexicographicallyPrecedes(left) ? 1 : 0)
    case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (x ? 1 : -1)
    default: return sign(rank(a), rank(b))
    }
  }

  private static func rank(_ value: OnlineValue) -> Int {
    switch value {
    case .null: return 0
    case .bigint, .double, .boolean, .timestamp: return 1
    case .string: return 2
    }
  }
}
