@testable import Ingestion

/// The configuration and helpers the decoder tests share.
enum DecoderFixtures {
  static let config: IdemstreamConfig = {
    do {
      return try IdemstreamConfig.parse(
        yaml: """
          kafka:
            topics: [features, orders-topic]
            topic_groups: {orders-topic: orders}
          feature_groups:
            - name: user_stats
              primary_key: [user_id]
              features:
                user_id: string
                clicks: bigint
                spend: double
                country: string
                active: boolean
            - name: orders
              primary_key: [shop, order_id]
              features:
                order_id: bigint
                placed_at: timestamp
                shop: string
                amount: double
          """)
    } catch {
      preconditionFailure("fixture config is invalid: \(error)")
    }
  }()

  static let decoder = FeatureWriteDecoder(config)

  /// A gen.py-shaped record.
  static let userStats =
    #"{"feature_group":"user_stats","idempotency_key":"evt-7-1","event_time":1767225600000,"#
    + #""key":{"user_id":"u42"},"values":{"clicks":12,"spend":3.5,"country":"SE","active":true}}"#

  static func decode(_ json: String, headers: [RecordHeader] = [], topic: String = "features")
    throws(DecodeError)
    -> FeatureWrite
  {
    try decoder.decode(value: Array(json.utf8), headers: headers, topic: topic)
  }

  static func error(_ bytes: [UInt8]?, headers: [RecordHeader] = [], topic: String = "features")
    -> DecodeError?
  {
    do {
      _ = try decoder.decode(value: bytes, headers: headers, topic: topic)
      return nil
    } catch {
      return error
    }
  }

  static func error(_ json: String, headers: [RecordHeader] = [], topic: String = "features")
    -> DecodeError?
  {
    error(Array(json.utf8), headers: headers, topic: topic)
  }
}
