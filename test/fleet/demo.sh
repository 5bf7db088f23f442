#!/usr/bin/env bash
# `npm run demo`: a sandbox fleet with a few business lines and tiers, then dockpit on it.
# It is a fleet of its own (DOCKPIT_FLEET_ID, default 9), so it never disturbs the test fleet, and it is
# torn down when dockpit exits (DOCKPIT_KEEP_FLEET=1 keeps it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DOCKPIT_FLEET_ID=${DOCKPIT_FLEET_ID:-9}
dir=/tmp/dockpit-fleet-$DOCKPIT_FLEET_ID
bash "$here/fleet.sh" up 3

run() { # host name line tier ip [command…]
  local host=$1 name=$2 line=$3 tier=$4 ip=$5
  shift 5
  docker -H "unix://$dir/$host/docker.sock" run -d --stop-timeout 1 --name "$name" \
    --label "dockpit.bizline=$line" --label "dockpit.tier=$tier" \
    --env "DB_PASSWORD=demo-$name" --env "LINE=$line" \
    --network biz --ip "$ip" dockpit/busybox:latest "$@" >/dev/null
}
echo "starting demo containers…"
for i in 1 2 3; do
  run "h$i" "news-web-$i" news 0 "10.88.1.$((10 + i))" sleep 1d
  run "h$i" "news-api-$i" news 1 "10.88.1.$((20 + i))" sleep 1d
  run "h$i" "forum-web-$i" forum 2 "10.88.2.$((10 + i))" sleep 1d
done
run h1 ads-bidder ads 3 10.88.3.11 sh -c 'while :; do :; done' # a hot one, for the traffic columns
run h2 ads-report ads 3 10.88.3.12 sleep 1d
run h3 search-idx search 1 10.88.4.11 sleep 1d
docker -H "unix://$dir/h2/docker.sock" stop -t 0 forum-web-2 >/dev/null # a degraded line

# The demo's own config: the fleet's hosts, a static IP pool on `biz` with a range per line, the lines.
config=$dir/demo.yaml
{ grep -v '^state:' "$dir/dockpit.yaml"; cat; } >"$config" <<YAML
state: $dir/state
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.1.0/24, forum: 10.88.2.0/24, ads: 10.88.3.0/24, search: 10.88.4.0/24 }
    reserved: [10.88.0.2]
lines:
  news: { tier: 0, pool: lan }
  search: { tier: 1, pool: lan, hosts: [h3] }
  forum: { tier: 2, pool: lan, hosts: [h1, h2, h3] }
  ads: { tier: 3, pool: lan, hosts: [h1, h2] }
plans:
  - name: double11
    description: shed ads and half of forum, keep news whole
    guards: { protectTiers: [0], maxDownPerLine: 1, parallelPerHost: 4, parallel: 12, stopTimeout: 1 }
    steps:
      - select: { lines: [ads] }
        action: pause
      - select: { lines: [forum] }
        action: { scaleDown: { keep: 1 } }
YAML

cleanup() {
  [ -n "${DOCKPIT_KEEP_FLEET:-}" ] && { echo "fleet kept: $dir (DOCKPIT_FLEET_ID=$DOCKPIT_FLEET_ID npm run fleet:down)"; return; }
  bash "$here/fleet.sh" down
}
trap cleanup EXIT
echo "try: n on a line (place a container), :ip (the pool), :plans (double11: a to apply, R to restore), / + an IP + Enter, ? (keys)"
node "$here/../../dist/cli.cjs" --config "$config"
