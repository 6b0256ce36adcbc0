extension Array {
  /// Makes room for `additional` more elements. Growth is geometric: reserving exactly
  /// `count + additional` on every page would reallocate and copy the whole column each
  /// time, turning a linear decode quadratic.
  mutating func reserveAdditional(_ additional: Int) {
    let needed = count + additional
    if needed > capacity { reserveCapacity(Swift.max(needed, capacity * 2)) }
  }
}
