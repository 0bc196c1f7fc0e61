#!/usr/bin/env bash
# Prints which interop peers this machine has (the same checks as the Java tests' Peers class), one
# line each: "present" with a version, or "MISSING" with how to install it. Used by .ci/run for a
# summary. Exit 0, or with --strict exit 1 when any peer is missing.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")"

strict=0
case "${1:-}" in
  --strict) strict=1 ;;
  "") ;;
  -h|--help) echo "usage: interop/check-peers.sh [--strict]"; exit 0 ;;
  *) echo "check-peers: unknown argument $1 (usage: interop/check-peers.sh [--strict])" >&2; exit 2 ;;
esac

missing=0

report() { # name, version or empty, install hint
  if [ -n "$2" ]; then
    printf '  %-28s present  %s\n' "$1" "$2"
  else
    printf '  %-28s MISSING  install: %s\n' "$1" "$3"
    missing=$((missing + 1))
  fi
}

# Each probe is bounded so a hung binary cannot stall CI.
probe() { timeout 20 "$@" 2>/dev/null; }

echo "interop peers:"

node_version=$(probe node --version)
ws_version=""
if [ -n "$node_version" ] && [ -f node_modules/ws/package.json ]; then
  ws_version=$(probe node -p "require('./node_modules/ws/package.json').version")
fi
report "node + ws" "${ws_version:+node $node_version, ws $ws_version}" \
  "apt-get install -y nodejs npm && (cd interop && npm ci)"

py_version=$(probe /usr/bin/python3 -c 'import websockets.client, websockets.server, websockets.version; print(websockets.version.version)')
report "python3 websockets" "${py_version:+/usr/bin/python3, websockets $py_version}" \
  "apt-get install -y python3-websockets (run with /usr/bin/python3)"

lws_version=""
if [ -x /usr/bin/libwebsockets-test-server ]; then
  lws_version=$(dpkg-query -W -f '${Version}' libwebsockets-test-server 2>/dev/null || true)
  lws_version="/usr/bin/libwebsockets-test-server${lws_version:+ $lws_version}"
fi
report "libwebsockets-test-server" "$lws_version" "apt-get install -y libwebsockets-test-server"

lwsc=""
[ -x /usr/bin/libwebsockets-test-client ] && lwsc="/usr/bin/libwebsockets-test-client"
report "libwebsockets-test-client" "$lwsc" "apt-get install -y libwebsockets-test-server"

curl_version=$(probe curl --version | head -n 1 | cut -d' ' -f1-2)
report "curl" "$curl_version" "apt-get install -y curl"

wrk_version=""
command -v wrk >/dev/null 2>&1 && wrk_version=$(dpkg-query -W -f 'wrk ${Version}' wrk 2>/dev/null || echo wrk)
report "wrk" "$wrk_version" "apt-get install -y wrk"

nginx_version=""
[ -x /usr/sbin/nginx ] && nginx_version=$(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3)
report "nginx" "$nginx_version" "apt-get install -y nginx-light"

certutil_path=$(command -v certutil 2>/dev/null || true)
report "certutil (browser wss test)" "$certutil_path" "apt-get install -y libnss3-tools"

java_version=""
command -v java >/dev/null 2>&1 && java_version=$(timeout 20 java -version 2>&1 | head -n 1)
report "java (JDK WebSocket client)" "$java_version" "apt-get install -y openjdk-17-jdk-headless"

if [ "$missing" -eq 0 ]; then
  echo "all interop peers present"
else
  echo "$missing interop peer(s) missing: their tests are skipped, or fail when CI=true"
fi
if [ "$strict" -eq 1 ] && [ "$missing" -gt 0 ]; then
  exit 1
fi
exit 0
