import Yams

extension ConfigReader {
  /// `offline.url` and `offline.s3` (endpoint, region, allow_http).
  func readOfflineLocation(
    _ members: [String: (keyNode: Node, value: Node)], into offline: inout OfflineSettings
  ) throws(ConfigError) {
    if let value = members["url"] {
      let url = try string(
        value.value, "offline.url",
        fix: "give s3://bucket/prefix, file:///absolute/dir, or \"\" for data_dir/offline")
      let isS3 =
        url.hasPrefix("s3://") && url.count > "s3://".count
        && !url.dropFirst("s3://".count).hasPrefix("/")
      let isFile = url.hasPrefix("file:///")
      guard url.isEmpty || isS3 || isFile else {
        throw failure(
          value.value, "offline.url '\(url)' is neither s3://bucket/prefix nor file:///dir",
          fix: "give s3://bucket/prefix, file:///absolute/dir, or \"\" for data_dir/offline")
      }
      offline.url = url
    }
    guard let node = members["s3"] else { return }
    let s3 = try self.members(
      of: node.value, in: "offline.s3", allowed: ["endpoint", "region", "allow_http"])
    if let value = s3["endpoint"] {
      let endpoint = try string(
        value.value, "offline.s3.endpoint", fix: "give a URL such as http://127.0.0.1:9000")
      guard endpoint.isEmpty || endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")
      else {
        throw failure(
          value.value, "offline.s3.endpoint '\(endpoint)' is not an http(s) URL",
          fix: "give a URL such as https://s3.example.com or http://127.0.0.1:9000")
      }
      offline.s3.endpoint = endpoint
    }
    if let value = s3["region"] {
      let region = try string(
        value.value, "offline.s3.region", fix: "give a region, e.g. us-east-1")
      guard !region.isEmpty else {
        throw failure(
          value.value, "offline.s3.region is empty", fix: "give a region, e.g. us-east-1")
      }
      offline.s3.region = region
    }
    if let value = s3["allow_http"] {
      guard let flag = value.value.bool else {
        throw failure(
          value.value, "offline.s3.allow_http must be true or false", fix: "write true or false")
      }
      offline.s3.allowHTTP = flag
    }
  }
}
