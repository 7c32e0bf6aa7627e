#!/usr/bin/env bash
# `npm test`: every test, in two lanes that run at the same time because neither needs the other:
#   bff  the shared and BFF tests (ava, one worker per core), then the weapp build and its size check;
#   ui   the miniapp typecheck (the root tsconfig leaves miniapp/ out), the H5 build, then the browser tests
#        (ava, one file at a time: each drives a Chromium against its own BFF, serving that H5 build).
# The browser tests need only the H5 build, so the weapp build waits in the other lane.
# The BFF tests wait on timers, child processes and PostgreSQL much of the time, and the builds and browser
# tests fill that time: on 2 cores the lanes together take less than one after the other (see the README,
# "Tests"). Each line is prefixed with its lane; the exit status is non-zero when either lane failed, and the
# failing lane's summary is repeated at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)

lane() { # lane <name> <command…>: runs the command with its output prefixed, records its exit status
  local name=$1; shift
  ( set -o pipefail; "$@" 2>&1 | tee "$logs/$name.log" | sed -u "s/^/[$name] /"; echo $? > "$logs/$name.rc" )
}

lane bff bash -c 'npx ava "shared/test/**/*.test.ts" "bff/test/**/*.test.ts" && npm run build:weapp && npx tsx scripts/check-weapp-size.ts' &
lane ui bash -c 'npx tsc -p miniapp/tsconfig.json --noEmit && npm run build:h5 && npx ava --concurrency 1 "test/**/*.test.ts"' &
wait

status=0
for name in bff ui; do
  rc=$(cat "$logs/$name.rc" 2>/dev/null || echo 1)
  if [ "$rc" != 0 ]; then
    status=1
    echo "== lane $name failed (exit $rc); its last lines:"
    tail -40 "$logs/$name.log"
  else
    echo "== lane $name passed: $(grep -E '[0-9]+ tests? passed' "$logs/$name.log" | tail -1 | xargs)$(grep -E '^Main package' "$logs/$name.log" | sed 's/^/; /')"
  fi
done
rm -rf "$logs"
exit $status
