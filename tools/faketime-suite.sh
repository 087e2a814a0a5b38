#!/bin/sh
# Runs the test suite (or the folders/files given) with the machine's clock moved, by Debian's
# faketime (libfaketime), to days that have broken calendar-dependent tests: a Friday before a long
# weekend, Christmas Eve, both DST changes in New York and a Sunday before a holiday. Every test is
# meant to pass on any day (docs/hardening.md "Tests off the calendar").
#
#   tools/faketime-suite.sh                        # the whole suite on each day
#   tools/faketime-suite.sh test/cli test/console  # some folders on each day
#   FAKETIME_DAYS='2027-01-15 20:55:00' tools/faketime-suite.sh test/scheduler
#
# The instants are UTC ("@" = the clock starts there and runs on, so timers fire). FAKETIME_DONT_RESET
# keeps vitest's worker processes and the programs the tests spawn on the same moved timeline instead
# of each starting again at the instant. Output per day goes to $FAKETIME_OUT (default
# /tmp/faketime-suite); the exit code is 1 if any day failed.
set -u
command -v faketime >/dev/null || { echo "faketime is not installed (Debian: apt-get install faketime)" >&2; exit 2; }

DEFAULT_DAYS='2027-01-15 20:55:00
2026-12-24 19:00:00
2027-03-14 07:30:00
2026-11-01 05:30:00
2027-01-17 17:00:00'
# 2027-01-15 15:55 New York: the Friday before Martin Luther King Day, 5 minutes before the close
# 2026-12-24 14:00 New York: Christmas Eve, after the 13:00 early close
# 2027-03-14 03:30 New York (EDT): half an hour after clocks sprang forward
# 2026-11-01 01:30 New York (EDT): the first of the two 01:30s, clocks fall back half an hour later
# 2027-01-17 12:00 New York: the Sunday before Martin Luther King Day
DAYS=${FAKETIME_DAYS:-$DEFAULT_DAYS}
OUT=${FAKETIME_OUT:-/tmp/faketime-suite}
mkdir -p "$OUT"
rm -f "$OUT/.failed"
echo "$DAYS" | while IFS= read -r day; do
  [ -n "$day" ] || continue
  log="$OUT/$(echo "$day" | tr ' :' '_-').txt"
  echo "== $day UTC ($*): $log"
  TZ=${FAKETIME_TZ:-UTC} FAKETIME_DONT_RESET=1 \
    faketime -f "@$day" npx vitest run "$@" >"$log" 2>&1
  code=$?
  grep -E '^ *(Test Files|Tests) ' "$log" | sed 's/\x1b\[[0-9;]*m//g'
  grep -E '(FAIL|×) ' "$log" | sed 's/\x1b\[[0-9;]*m//g' | sort -u | head -20
  [ "$code" -eq 0 ] || echo 1 >"$OUT/.failed"
done
[ ! -f "$OUT/.failed" ]
