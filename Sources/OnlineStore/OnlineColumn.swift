/// A named, typed column of a feature group (a primary-key column or a feature).
public struct OnlineColumn: Sendable, Hashable {
  public var name: String
  public var type: OnlineColumnType

  public init(name: String, type: OnlineColumnType) {
    self.name = name
    self.type = type
  }
}
