#include "CKafkaShim.h"
