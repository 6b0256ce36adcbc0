#ifndef CKAFKASHIM_H
#define CKAFKASHIM_H
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// Enqueues one message through the variadic rd_kafka_producev, which Swift cannot call.
/// Key and value are copied (RD_KAFKA_MSG_F_COPY). On success the message owns `headers`;
/// on failure the caller still owns them. `opaque` comes back as the delivery report's
/// `_private`. `partition` may be RD_KAFKA_PARTITION_UA to let the partitioner choose.
/// `timestamp_ms` is the record's CreateTime; 0 stamps it with the current time.
rd_kafka_resp_err_t idem_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition,
                                 const void *key, size_t key_len, const void *value,
                                 size_t value_len, rd_kafka_headers_t *headers,
                                 int64_t timestamp_ms, void *opaque);

/// Pushes `count` errors onto one mock broker's per-API error stack, each answered after
/// `rtt_ms[i]` milliseconds, through the variadic rd_kafka_mock_broker_push_request_error_rtts.
rd_kafka_resp_err_t idem_mock_broker_push_errors(rd_kafka_mock_cluster_t *mcluster,
                                                 int32_t broker_id, int16_t api_key,
                                                 const rd_kafka_resp_err_t *errors,
                                                 const int *rtt_ms, size_t count);

/// The offset sentinels are macros (casts), which Swift does not import.
static inline int64_t idem_offset_beginning(void) { return RD_KAFKA_OFFSET_BEGINNING; }
static inline int64_t idem_offset_end(void) { return RD_KAFKA_OFFSET_END; }
static inline int64_t idem_offset_stored(void) { return RD_KAFKA_OFFSET_STORED; }
static inline int64_t idem_offset_invalid(void) { return RD_KAFKA_OFFSET_INVALID; }
static inline int32_t idem_partition_unassigned(void) { return RD_KAFKA_PARTITION_UA; }

#endif
