#include "CKafkaShim.h"

rd_kafka_resp_err_t idem_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition,
                                 const void *key, size_t key_len, const void *value,
                                 size_t value_len, rd_kafka_headers_t *headers,
                                 int64_t timestamp_ms, void *opaque) {
  if (headers != NULL) {
    return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE((void *)value, value_len),
                             RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
                             RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
  }
  return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                           RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                           RD_KAFKA_V_VALUE((void *)value, value_len),
                           RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_OPAQUE(opaque),
                           RD_KAFKA_V_END);
}

rd_kafka_resp_err_t idem_mock_broker_push_errors(rd_kafka_mock_cluster_t *mcluster,
                                                 int32_t broker_id, int16_t api_key,
                                                 const rd_kafka_resp_err_t *errors,
                                                 const int *rtt_ms, size_t count) {
  for (size_t i = 0; i < count; i++) {
    rd_kafka_resp_err_t err = rd_kafka_mock_broker_push_request_error_rtts(
        mcluster, broker_id, api_key, 1, errors[i], rtt_ms[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return err;
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}
