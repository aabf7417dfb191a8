#!/usr/bin/env bash
# Compatibility check, as a new user meets the plugin: pack it, install the tarball with a plain
# `npm install` (no --force, no --legacy-peer-deps) into a fresh Strapi app of each supported
# version (the oldest, 5.18.1, and the newest that installs here), build that app's admin, boot it,
# sign in through Flow A and Flow C against the TikTok emulator, then boot it without the client
# secret and screenshot the settings page, which must show the secret as missing.
#
# The apps live in $TIKTOK_AUTH_COMPAT_CACHE (default ~/.cache/tiktok-auth-compat), one per
# version: the first run installs Strapi there (minutes), later runs only reinstall the tarball.
# Prints one PASS/FAIL line per check, then "compat: N passed, M failed"; writes the screenshots
# and the Strapi logs to .tmp/compat/. Exit status 1 when a check failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/tests/compat
CACHE=${TIKTOK_AUTH_COMPAT_CACHE:-$HOME/.cache/tiktok-auth-compat}
VERSIONS=${COMPAT_STRAPI_VERSIONS:-5.18.1 5.54.0}
OUT=$ROOT/.tmp/compat
mkdir -p "$CACHE" "$OUT"
rm -f "$OUT"/*.png "$OUT"/*.log

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
# Runs check.js and counts its PASS/FAIL lines under the version's name.
checks() {
  local version=$1 line
  shift
  while IFS= read -r line; do
    case $line in
      PASS*) pass "$version: ${line#PASS }" ;;
      FAIL*) fail "$version: ${line#FAIL }" ;;
      *) echo "$line" ;;
    esac
  done < <(node "$HERE/check.js" "$@" 2>&1)
}
seconds() { echo $(($(date +%s) - $1)); }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# Waits until the URL answers, giving up early when the process serving it ($2) has exited.
wait_for() {
  for _ in $(seq 1 180); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

started=$(date +%s)

# The emulator is reached only through this variable and the npm script that builds it, so the
# check follows it when it moves.
EMULATOR_CLI=${EMULATOR_CLI:-$ROOT/dev/emulator/dist/cli.js}
npm run build:emulator --silent || fail "build the emulator"
EMULATOR_PORT=$(free_port)
CLIENT_KEY=compat-key
CLIENT_SECRET=compat-secret
node "$EMULATOR_CLI" --port "$EMULATOR_PORT" --client-key "$CLIENT_KEY" --client-secret "$CLIENT_SECRET" \
  >"$OUT/emulator.log" 2>&1 &
emulator_pid=$!
STRAPI_PID=
cleanup() {
  [ -n "$STRAPI_PID" ] && kill "$STRAPI_PID" 2>/dev/null
  kill "$emulator_pid" 2>/dev/null
}
trap cleanup EXIT
EMULATOR=http://127.0.0.1:$EMULATOR_PORT
wait_for "$EMULATOR/" "$emulator_pid" || fail "start the emulator"

# `npm pack` builds the plugin first (its `prepare` script), as a publish does.
rm -f "$CACHE"/strapi-plugin-tiktok-auth-mobile-*.tgz
packed=$(npm pack --silent --pack-destination "$CACHE" 2>"$OUT/pack.log" | tail -1)
packed_files=$(tar -tzf "$CACHE/$packed" 2>/dev/null)
if grep -qx 'package/dist/server/index.js' <<<"$packed_files" &&
  [ "$(stat -c %Y dist/server/index.js)" -ge "$started" ]; then
  pass "npm pack contains a fresh build ($(wc -l <<<"$packed_files") files)"
else
  fail "npm pack contains a fresh build (see .tmp/compat/pack.log)"
fi
# A name per content, so npm never mistakes a new build for the one it installed last time.
tarball=plugin-$(sha256sum "$CACHE/$packed" | cut -c1-12).tgz

# Boots the app with the plugin's settings from the environment, as the README tells a user.
boot() {
  local app=$1 log=$2
  shift 2
  STRAPI_PORT=$(free_port)
  rm -rf "$app/.tmp"
  (cd "$app" && exec env -u CLIENT_SECRET -u TIKTOK_FLOWS PORT="$STRAPI_PORT" \
    STRAPI_URL="http://127.0.0.1:$STRAPI_PORT" CLIENT_KEY="$CLIENT_KEY" \
    REDIRECT_APP_URL=myapp://auth/tiktok TIKTOK_API_BASE_URL="$EMULATOR" \
    TIKTOK_AUTHORIZE_URL="$EMULATOR/v2/auth/authorize/" \
    TIKTOK_ALLOWED_REDIRECT_URIS=http://127.0.0.1:9/tiktok-sdk "$@" \
    node node_modules/@strapi/strapi/bin/strapi.js start >"$log" 2>&1) &
  STRAPI_PID=$!
  STRAPI=http://127.0.0.1:$STRAPI_PORT
  wait_for "$STRAPI/_health" "$STRAPI_PID"
}
stop() {
  kill "$STRAPI_PID" 2>/dev/null
  wait "$STRAPI_PID" 2>/dev/null
  STRAPI_PID=
}

for version in $VERSIONS; do
  version_started=$(date +%s)
  app=$CACHE/$version
  # Rewritten every run (it is cheap) so the app follows this script; Strapi stays installed.
  [ -f "$app/.strapi-installed" ] || rm -rf "$app"
  node "$HERE/make-app.js" "$app" "$version"
  if [ ! -f "$app/.strapi-installed" ]; then
    if (cd "$app" && npm install --no-audit --no-fund >"$OUT/install-strapi-$version.log" 2>&1); then
      touch "$app/.strapi-installed"
    else
      fail "$version: install Strapi $version (see .tmp/compat/install-strapi-$version.log)"
      continue
    fi
  fi
  echo "== Strapi $version ($(node -p "require('$app/node_modules/@strapi/design-system/package.json').version" 2>/dev/null) design-system), app in $app"

  rm -f "$app"/plugin-*.tgz
  cp "$CACHE/$packed" "$app/$tarball"
  if (cd "$app" && npm install --no-audit --no-fund "./$tarball" >"$OUT/install-plugin-$version.log" 2>&1); then
    pass "$version: plain npm install of the packed plugin"
  else
    fail "$version: plain npm install of the packed plugin (see .tmp/compat/install-plugin-$version.log)"
    continue
  fi
  if (cd "$app" && node node_modules/@strapi/strapi/bin/strapi.js build >"$OUT/build-$version.log" 2>&1); then
    pass "$version: build the app's admin with the plugin"
  else
    fail "$version: build the app's admin with the plugin (see .tmp/compat/build-$version.log)"
    continue
  fi

  if boot "$app" "$OUT/strapi-$version-flows.log" CLIENT_SECRET="$CLIENT_SECRET"; then
    checks "$version" flows "$STRAPI" "$EMULATOR" "$CLIENT_KEY" "$CLIENT_SECRET"
  else
    fail "$version: boot with the plugin (see .tmp/compat/strapi-$version-flows.log)"
  fi
  stop
  if boot "$app" "$OUT/strapi-$version-settings.log"; then
    checks "$version" settings "$STRAPI" "$OUT/settings-$version.png"
  else
    fail "$version: boot without the client secret (see .tmp/compat/strapi-$version-settings.log)"
  fi
  stop
  echo "== Strapi $version: $(seconds "$version_started") s"
done

echo "compat: $passed passed, $failed failed ($(seconds "$started") s)"
[ "$failed" -eq 0 ]
