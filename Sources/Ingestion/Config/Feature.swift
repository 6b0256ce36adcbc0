/// One column of a feature group, as declared (in order) under `features:`.
public struct Feature: Sendable, Hashable {
  public let name: String
  public let type: FeatureType

  public init(name: String, type: FeatureType) {
    self.name = name
    self.type = type
  }
}
