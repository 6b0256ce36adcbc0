import Foundation
import TestSupport

@testable import Delta

/// The deltalake / pyarrow side of the interop tests: writes files and tables with the
/// reference implementation and reads ours back with it.
enum PythonDelta {
  /// Writes `rows` (a list of {"id": Int, "name": String?}) as a Parquet file under `table` with
  /// pyarrow and returns its relative name and size: a data file some other engine produced.
  static func writeDataFile(table: URL, ids: [Int64], names: [String?]) throws -> (
    name: String, size: Int64
  ) {
    let code = """
      import sys, json, uuid, os, pyarrow as pa, pyarrow.parquet as pq
      table, payload = sys.argv[1], json.loads(sys.argv[2])
      name = f"part-00000-{uuid.uuid4()}.zstd.parquet"
      t = pa.table({"id": pa.array(payload["ids"], pa.int64()), "name": pa.array(payload["names"], pa.string())})
      pq.write_table(t, os.path.join(table, name), compression="zstd")
      print(json.dumps({"name": name, "size": os.path.getsize(os.path.join(table, name))}))
      """
    let payload = try JSONSerialization.data(withJSONObject: [
      "ids": ids, "names": names.map { $0 as Any? ?? NSNull() },
    ])
    let out = try Python.run(code, [table.path, String(decoding: payload, as: UTF8.self)])
    let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    guard let name = object?["name"] as? String, let size = object?["size"] as? Int else {
      throw UnexpectedOutput(text: out)
    }
    return (name, Int64(size))
  }

  /// The ids deltalake reads at each version `0...latest` (sorted), and the transaction versions
  /// it reports for `appIds` at the latest version.
  static func readVersions(table: URL, appIds: [String] = []) throws -> (
    ids: [[Int64]], transactions: [String: Int64]
  ) {
    let code = """
      import sys, json
      from deltalake import DeltaTable
      path, app_ids = sys.argv[1], json.loads(sys.argv[2])
      latest = DeltaTable(path).version()
      ids = []
      for v in range(latest + 1):
          t = DeltaTable(path, version=v).to_pyarrow_table()
          ids.append(sorted(t.column("id").to_pylist()) if "id" in t.column_names else [])
      dt = DeltaTable(path)
      txns = {a: dt.transaction_version(a) for a in app_ids}
      print(json.dumps({"ids": ids, "txns": {k: v for k, v in txns.items() if v is not None}}))
      """
    let appIdsJSON = try JSONSerialization.data(withJSONObject: appIds)
    let out = try Python.run(code, [table.path, String(decoding: appIdsJSON, as: UTF8.self)])
    struct Result: Decodable {
      var ids: [[Int64]]
      var txns: [String: Int64]
    }
    let result = try JSONDecoder().decode(Result.self, from: Data(out.utf8))
    return (result.ids, result.txns)
  }
}

/// The Python side printed something the test cannot parse.
struct UnexpectedOutput: Error {
  let text: String
}

extension PythonDelta {
  /// Every version's rows as deltalake reads them, sorted by `id`, each row a JSON object
  /// (timestamps as integer microseconds), plus the transaction versions of `appIds` at each
  /// version.
  static func readRows(table: URL, appIds: [String] = []) throws -> (
    rows: [[[String: JSONValue]]], transactions: [[String: Int64]]
  ) {
    let code = """
      import sys, json, datetime
      from deltalake import DeltaTable
      path, app_ids = sys.argv[1], json.loads(sys.argv[2])
      def plain(v):
          if isinstance(v, datetime.datetime):
              if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
              d = v - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
              return (d.days * 86400 + d.seconds) * 1000000 + d.microseconds
          return v
      latest = DeltaTable(path).version()
      rows, txns = [], []
      for v in range(latest + 1):
          dt = DeltaTable(path, version=v)
          t = dt.to_pyarrow_table()
          rs = [{k: plain(x) for k, x in r.items()} for r in t.to_pylist()]
          rows.append(sorted(rs, key=lambda r: r.get("id") or 0))
          txns.append({a: dt.transaction_version(a) for a in app_ids if dt.transaction_version(a) is not None})
      print(json.dumps({"rows": rows, "txns": txns}))
      """
    let appIdsJSON = try JSONSerialization.data(withJSONObject: appIds)
    let out = try Python.run(code, [table.path, String(decoding: appIdsJSON, as: UTF8.self)])
    struct Result: Decodable {
      var rows: [[[String: JSONValue]]]
      var txns: [[String: Int64]]
    }
    let result = try JSONDecoder().decode(Result.self, from: Data(out.utf8))
    return (result.rows, result.txns)
  }
}
