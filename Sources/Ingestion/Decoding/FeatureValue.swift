import OnlineStore

/// One decoded column value: the online store's own value type, so that a decoded write's
/// key and values go into the online batch as they are, without a copy per record.
/// Timestamps are microseconds since the Unix epoch, UTC.
public typealias FeatureValue = OnlineValue
