#ifndef CKAFKASHIM_H
#define CKAFKASHIM_H
#include <librdkafka/rdkafka.h>
#endif
