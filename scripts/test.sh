#!/usr/bin/env bash
# `npm test`: every test, in lanes that run at the same time because none needs the others:
#   bff  the shared and BFF tests (ava, one worker per core), then the weapp build and its size check;
#   ui   the miniapp typecheck (the root tsconfig leaves miniapp/ out), the H5 build, then the browser test
#        files one at a time (each drives a Chromium against its own BFF, serving that H5 build);
#   ui2  once the bff lane has ended (and the H5 build is there), a second taker of browser test files.
# The browser tests need only the H5 build, so the weapp build waits in the bff lane. The BFF tests wait on
# timers, child processes and PostgreSQL much of the time, and the build and browsers fill that time; when the
# BFF tests are done, the second browser lane takes the core they leave. The browser files are taken from one
# queue, longest first, each by exactly one lane (an atomic mkdir). Each line is prefixed with its lane; the
# exit status is non-zero when any lane or browser file failed, and a failing lane's last lines are repeated at
# the end.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
mkdir "$logs/taken"

lane() { # lane <name> <command…>: runs the command with its output prefixed, records its exit status and seconds
  local name=$1; shift
  ( set -o pipefail; "$@" 2>&1 | tee "$logs/$name.log" | sed -u "s/^/[$name] /"; echo $? > "$logs/$name.rc"; echo $SECONDS > "$logs/$name.secs" )
}

# The browser test files, longest first (their durations in the README's "Tests"), then any others.
longest_first=(registration enterprise temporary-constructors matters verification reviewer-day professions everyone employer-rename share-link verify-offline)
e2e_files=()
for name in "${longest_first[@]}"; do [ -f "test/e2e/$name.test.ts" ] && e2e_files+=("test/e2e/$name.test.ts"); done
for file in test/e2e/*.test.ts; do [[ " ${e2e_files[*]} " == *" $file "* ]] || e2e_files+=("$file"); done

# browser_files: takes files from the queue until it is empty; prints one `e2e <file>: <rc>` line per file
browser_files() {
  local file status=0
  for file in "${e2e_files[@]}"; do
    mkdir "$logs/taken/$(basename "$file")" 2>/dev/null || continue
    local started=$SECONDS
    npx ava --concurrency 1 "$file"
    local rc=$?
    echo "e2e $file: exit $rc ($((SECONDS - started)) s)"
    [ $rc = 0 ] || status=1
  done
  return $status
}
export -f browser_files
export logs
export E2E_FILES="${e2e_files[*]}"
# (bash cannot export arrays: the lanes rebuild the list from E2E_FILES)
run_browser_files() { e2e_files=($E2E_FILES); browser_files; }
export -f run_browser_files

lane bff bash -c 'npx ava "shared/test/**/*.test.ts" "bff/test/**/*.test.ts" && npm run build:weapp && npx tsx scripts/check-weapp-size.ts' &
lane ui bash -c 'npx tsc -p miniapp/tsconfig.json --noEmit && npm run build:h5 && touch "$logs/h5.built" && run_browser_files' &
lane ui2 bash -c 'while [ ! -f "$logs/bff.rc" ] || { [ ! -f "$logs/h5.built" ] && [ ! -f "$logs/ui.rc" ]; }; do sleep 2; done
  if [ -f "$logs/h5.built" ]; then run_browser_files; else echo "no H5 build: the ui lane failed before it"; fi' &
wait

status=0
for name in bff ui ui2; do
  rc=$(cat "$logs/$name.rc" 2>/dev/null || echo 1)
  if [ "$rc" != 0 ]; then
    status=1
    echo "== lane $name failed (exit $rc); its last lines:"
    tail -40 "$logs/$name.log"
  fi
done
bff_passed=$(grep -E '[0-9]+ tests? passed' "$logs/bff.log" | tail -1 | xargs)
browser_passed=$(cat "$logs/ui.log" "$logs/ui2.log" 2>/dev/null | grep -E '^ *[0-9]+ tests? passed' | awk '{n += $1} END {print n + 0}')
browser_ran=$(cat "$logs/ui.log" "$logs/ui2.log" 2>/dev/null | grep -c '^e2e .*: exit')
echo "== bff: ${bff_passed:-no summary}$(grep -E '^Main package' "$logs/bff.log" | sed 's/^/; /')"
echo "== browser: $browser_passed tests passed in $browser_ran of ${#e2e_files[@]} files"
echo "== lanes ended after (s): $(for name in bff ui ui2; do printf '%s %s  ' $name "$(cat "$logs/$name.secs" 2>/dev/null || echo '?')"; done)"
[ "$browser_ran" = "${#e2e_files[@]}" ] || { echo "== not every browser test file ran"; status=1; }
rm -rf "$logs"
exit $status
