import CKafkaShim

/// librdkafka's encoding of positions: an offset, or one of its negative sentinels.
extension KafkaOffset {
  var rawOffset: Int64 {
    switch self {
    case .exact(let offset): offset
    case .beginning: idem_offset_beginning()
    case .end: idem_offset_end()
    case .committed: idem_offset_stored()
    }
  }
}
