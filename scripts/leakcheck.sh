#!/usr/bin/env bash
# Leak check of the Kafka layer: runs kafka-bench's produce/consume loop (every path that
# allocates: headers, sendAndWait, seek, commits, watermarks, errors, close) under valgrind
# and fails if any memory is definitely or indirectly lost.
#
#   scripts/leakcheck.sh [CYCLES]      (default 3)
#
# Independent of the Makefile: it installs valgrind when missing (Debian) and builds the
# benchmark target itself. Swift's runtime keeps metadata caches alive until exit
# ("possibly lost" / "still reachable"); those are reported, not counted as leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
cycles="${1:-3}"

if ! command -v valgrind >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi

swift build --product kafka-bench >/dev/null
binary="$(swift build --show-bin-path)/kafka-bench"
log="$(mktemp -t kafka-leakcheck.XXXXXX)"
trap 'rm -f "$log"' EXIT

status=0
valgrind --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  --log-file="$log" "$binary" --leak-loop "$cycles" || status=$?

grep -E "definitely lost|indirectly lost|possibly lost|still reachable|ERROR SUMMARY" "$log" \
  | sed 's/^==[0-9]*== *//'
if [ "$status" -eq 99 ]; then
  echo "leakcheck: LEAKS FOUND (valgrind log follows)"
  grep -A25 "definitely lost in\|indirectly lost in" "$log" | sed 's/^==[0-9]*== //' | head -150
  exit 1
elif [ "$status" -ne 0 ]; then
  echo "leakcheck: kafka-bench failed under valgrind (exit $status)"
  tail -30 "$log"
  exit "$status"
fi
echo "leakcheck: no leaks in $cycles produce/consume cycles"
