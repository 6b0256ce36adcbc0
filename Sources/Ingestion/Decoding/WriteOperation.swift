/// What a feature write does to its entity.
public enum WriteOperation: String, Sendable, Hashable {
  /// Sets the entity's full feature row (a feature left out is null).
  case upsert
  /// A tombstone: the entity leaves the online store if this is its greatest write.
  case delete
}
