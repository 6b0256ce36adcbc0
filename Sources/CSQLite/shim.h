#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call. Memory statistics cost a global
// mutex on every allocation SQLite makes; nothing here reads them.
static inline int idem_sqlite3_disable_memstatus(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
