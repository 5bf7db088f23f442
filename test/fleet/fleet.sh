#!/usr/bin/env bash
# A real multi-host Docker fleet on one machine, for dockpit's integration tests.
#
# Each "host" is a network namespace on one Linux bridge (a LAN) with its own
# dockerd (unix socket and plain TCP) and its own sshd, so dockpit can be
# pointed at N real engines over the three transports it supports. On the same
# LAN: a 3-member etcd cluster (e1..e3, one namespace each, auth enabled, e1
# and e2 also serve TLS) for dockpit's shared state, and two "jump hosts"
# (j1, j2): empty namespaces to run dockpit in, as operators on two machines.
# On 127.0.0.1 of the root namespace: Alertmanager, Prometheus (scraping the
# targets a test writes into prometheus/targets.json) and a Zabbix server on
# PostgreSQL, for the alerting tests; ports derived from DOCKPIT_FLEET_ID
# (fleet.json "monitors" has them). Issue 17: one more engine, t1, that
# listens only on TCP with --tlsverify (CA, server and client certificates
# made here with openssl), and a private registry (Debian's docker-registry)
# on the LAN's .1 that every engine may pull from (--insecure-registry), h2
# also as its --registry-mirror; the fleet's image is pushed to it at `up`.
# t1 is not in dockpit.yaml's hosts (tests count those): dockpit-tls.yaml is
# dockpit.yaml plus t1. Everything is disposable: `up` always
# starts from nothing, `down` removes every trace of the fleet, also after a
# crash or an interrupted `up`.
#
# Usage (as root):
#   fleet.sh up [N]            start N hosts (default 3), etcd, the jump hosts and the monitoring services;
#                              (also the TLS engine t1 and the registry); writes fleet.json,
#                              dockpit.yaml, dockpit-etcd.yaml and dockpit-tls.yaml
#   fleet.sh down              remove everything the fleet created (idempotent)
#   fleet.sh status            hosts (engine, sshd), etcd members and monitoring services (exit 0 only if all are up)
#   fleet.sh stop-engine hN    SIGKILL hN's dockerd (a daemon that dies)
#   fleet.sh start-engine hN   start hN's dockerd again with the same flags
#   fleet.sh freeze hN         SIGSTOP hN's dockerd (a daemon that hangs)
#   fleet.sh thaw hN           SIGCONT hN's dockerd
#   fleet.sh etcd-stop eN...   SIGKILL etcd member(s) eN
#   fleet.sh etcd-start eN...  start eN again (same flags, same data); waits until it is healthy
#   fleet.sh etcd-leader       print the leader's name (e1, e2 or e3)
#   fleet.sh etcdctl ARGS...   etcdctl against the cluster as etcd user root
#   fleet.sh jump-exec jN CMD...  run CMD in jump host jN's network namespace
#   fleet.sh cut-etcd jN       jN can no longer reach any etcd member (packets dropped: calls hang)
#   fleet.sh heal-etcd jN      undo cut-etcd
#   fleet.sh cut-ssh hN [reset]  hN's sshd unreachable from everywhere: packets dropped (calls hang), or with
#                              `reset` refused with TCP resets and its open sessions killed (links close at once)
#   fleet.sh heal-ssh hN       undo cut-ssh
#   fleet.sh registry-stop     SIGKILL the private registry (pulls from it then fail)
#   fleet.sh registry-start    start it again (same config, same storage)
#   fleet.sh tls-docker ARGS...  the docker CLI against t1 over TLS with the fleet's client certificate
#
# State lives in ${DOCKPIT_FLEET_DIR:-/tmp/dockpit-fleet}. `down` cleans the
# fleet at that directory, so use the same DOCKPIT_FLEET_DIR for up and down.
# DOCKPIT_FLEET_ID=N (1-200) runs a second, separate fleet beside the default one
# (its own names, LAN 10.231.N.0/24 and state dir), e.g. for parallel work.
set -euo pipefail
shopt -s nullglob

FLEET_ID=${DOCKPIT_FLEET_ID:-}
if [[ -n $FLEET_ID && ! $FLEET_ID =~ ^([1-9][0-9]?|1[0-9][0-9]|200)$ ]]; then
  echo "fleet.sh: DOCKPIT_FLEET_ID must be a number from 1 to 200, got '$FLEET_ID'" >&2
  exit 2
fi
DIR=${DOCKPIT_FLEET_DIR:-/tmp/dockpit-fleet${FLEET_ID:+-$FLEET_ID}}
SELF=$(readlink -f "${BASH_SOURCE[0]}")

# Every name the fleet creates outside $DIR carries the "dpf" prefix, so that
# teardown can find what is ours by name alone, even with $DIR gone.
BRIDGE=dpf${FLEET_ID}-br0
NS_PREFIX=dpf${FLEET_ID}-h          # network namespace of host i, also its cgroup parent
ETCD_NS_PREFIX=dpf${FLEET_ID}-e     # network namespace of etcd member k
JUMP_NS_PREFIX=dpf${FLEET_ID}-j     # network namespace of jump host k
TLS_NS=dpf${FLEET_ID}-t1           # network namespace of the TLS engine t1, also its cgroup parent
NS_RE="^dpf${FLEET_ID}-[hejt][0-9]+\$" # every namespace of the fleet
VETH_PREFIX=dpf${FLEET_ID}-v        # root-namespace end of a veth pair: vI (host i), veK, vjK, vt1
LAN=10.231.${FLEET_ID:-0}            # host i is $LAN.(10+i); the root namespace is $LAN.1
IPT_TAG=dockpit-fleet${FLEET_ID}    # comment on the one iptables rule we add in the root namespace
CUT_TAG=dockpit-cut-etcd            # comment on cut-etcd's rules (inside a jump namespace only)
SSH_CUT_TAG=dockpit-cut-ssh         # comment on cut-ssh's rules (inside a host namespace only)

IMAGE=dockpit/busybox:latest

# Issue 17: the TLS engine t1 (TCP with --tlsverify only, port 2376) at
# $LAN.191, its certificate naming "t1" and that address; $LAN.192 reaches
# the same engine under an address the certificate does not name. The private
# registry listens on the LAN's .1 (below the hosts' $LAN.11-109, beside the
# monitoring services), plain HTTP.
TLS_ADDR=$LAN.191
TLS_ALT_ADDR=$LAN.192
TLS_PORT=2376
REG_ADDR=$LAN.1:5000
REG_IMAGE=$REG_ADDR/${IMAGE%:*}:latest # the fleet's image as the registry holds it
NETWORK=biz
SUBNET=10.88.0.0/16
GATEWAY=10.88.0.1

ENGINE_TIMEOUT=30        # seconds an engine may take to answer
MARKER=.dockpit-fleet    # `down` deletes $DIR only if it holds this file

# etcd: members e1..e3 at $LAN.201-203 (clients 2379, peers 2380). e1 also
# serves TLS on 2381 (server auth only), e2 mutual TLS on 2381 (client
# certificate required). Always 3 members, whatever N is.
ETCD_N=3
ETCD_TIMEOUT=20          # seconds the cluster (or a restarted member) may take to be healthy
ETCD_KEY_PREFIX=/dockpit/
JUMP_N=2                 # jump hosts j1, j2 at $LAN.211, .212

# tmux: the end-to-end tests drive the real binary in it.
# openssl: the etcd TLS certificates; iptables: cut-etcd (also a dependency of docker.io).
# The monitoring services of the alerting tests (issue 15): prometheus,
# prometheus-alertmanager, zabbix-server-pgsql with postgresql.
# docker-registry: the private registry (issue 17).
PACKAGES=(docker.io busybox-static openssh-server iproute2 curl tmux etcd-server etcd-client openssl iptables
  prometheus prometheus-alertmanager zabbix-server-pgsql postgresql docker-registry)

# Directories that dockerd, containerd and sshd create outside $DIR whatever
# their flags say. `up` records which of them did not exist yet, and `down`
# removes exactly those (when empty), children listed before parents.
SYSTEM_DIRS=(/run/sshd /run/docker/plugins /run/docker /run/containerd/s
  /run/containerd /opt/containerd/bin /opt/containerd/lib /opt/containerd
  /run/netns)

# A plain ssh client that ignores the user's ssh config and agent, so a
# passing check means the fleet's own key and known_hosts are enough.
ssh_opts() {
  SSH_OPTS=(-F /dev/null -i "$DIR/id_ed25519" -o IdentitiesOnly=yes
    -o BatchMode=yes -o ConnectTimeout=5
    -o UserKnownHostsFile="$DIR/known_hosts" -o GlobalKnownHostsFile=/dev/null
    -o StrictHostKeyChecking=yes)
}

log() { printf 'fleet: %s\n' "$*" >&2; }
die() { printf 'fleet: %s\n' "$*" >&2; exit 1; }

now_us() { echo "${EPOCHREALTIME/./}"; }
since() { # seconds since a now_us value, one decimal
  local d=$(($(now_us) - $1))
  printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}

ns_of() { echo "$NS_PREFIX$1"; }
addr_of() { echo "$LAN.$((10 + $1))"; }
hdir() { echo "$DIR/h$1"; }
sock_of() { echo "$DIR/h$1/docker.sock"; }
dk() { local i=$1; shift; docker -H "unix://$(sock_of "$i")" "$@"; }

etcd_ns() { echo "$ETCD_NS_PREFIX$1"; }
etcd_addr() { echo "$LAN.$((200 + $1))"; }
edir() { echo "$DIR/e$1"; }
etcd_url() { echo "http://$(etcd_addr "$1"):2379"; }
etcd_endpoints() { # comma-separated client URLs of all members
  local k s=
  for ((k = 1; k <= ETCD_N; k++)); do s+=${s:+,}$(etcd_url "$k"); done
  echo "$s"
}
jump_ns() { echo "$JUMP_NS_PREFIX$1"; }
jump_addr() { echo "$LAN.$((210 + $1))"; }
tls_dir() { echo "$DIR/etcd-tls"; }

need_root() {
  ((EUID == 0)) || die "must run as root: it creates network namespaces, a bridge and starts dockerd/sshd"
}

check_dir() {
  # A safe character set keeps paths usable unquoted in mountinfo, YAML and
  # JSON; the length bound keeps containerd's socket under the 108-byte limit
  # of unix socket paths.
  [[ $DIR =~ ^/[A-Za-z0-9._/-]+$ && $DIR != / ]] ||
    die "DOCKPIT_FLEET_DIR must be an absolute path of [A-Za-z0-9._/-], got '$DIR'"
  ((${#DIR} <= 60)) || die "DOCKPIT_FLEET_DIR is too long (unix socket paths below it must fit in 108 bytes)"
  DIR=${DIR%/}
}

# Serialise fleet.sh runs: names like dpf-br0 are global, so two concurrent
# `up`s would tear each other down. Locking the script file leaves nothing
# behind; the daemons are started with fd 9 closed so they never hold it.
lock() {
  exec 9<"$SELF"
  flock -w 300 9 || die "another fleet.sh has been running for 5 minutes; giving up"
}

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == 'install ok installed' ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them"
  log "installing ${missing[*]}"
  # The postinst of prometheus, alertmanager, postgresql, zabbix-server and docker-registry
  # would start system services; a policy-rc.d exiting 101 forbids that
  # (the fleet starts its own), and ours goes away afterwards.
  local own_policy=0 rc=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
  ((own_policy == 0)) || rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "installing ${missing[*]} failed"
}

# --- processes -------------------------------------------------------------

# Sets STAT_STATE (one letter) and STAT_PPID of a pid; fails if it is gone.
# Builtins only: `down` reads every process's stat several times.
read_stat() {
  local s
  { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*) } # comm may hold spaces and parentheses; the fields follow the last ')'
  read -r STAT_STATE STAT_PPID _ <<<"$s"
}

alive() { # a zombie is dead for our purposes: its parent just hasn't reaped it yet
  read_stat "$1" && [[ $STAT_STATE != Z ]]
}

# pid from a pidfile, if that process is alive, has the expected name and
# belongs to this fleet (a pidfile left by a crash may name a reused pid).
pid_from() {
  local file=$1 comm=$2 pid argv c
  [[ -s $file ]] || return 1
  read -r pid <"$file" || [[ -n $pid ]] || return 1 # dockerd writes no trailing newline
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  { read -r c <"/proc/$pid/comm"; } 2>/dev/null && [[ $c == "$comm" ]] || return 1
  { mapfile -d '' -t argv <"/proc/$pid/cmdline"; } 2>/dev/null || return 1
  [[ "${argv[*]}" == *"$DIR/"* ]] || return 1
  echo "$pid"
}

engine_pid() { pid_from "$(hdir "$1")/docker.pid" dockerd; }
sshd_pid() { pid_from "$(hdir "$1")/sshd.pid" sshd; }

engine_answers() {
  [[ $(curl -s --max-time 2 --unix-socket "$(sock_of "$1")" http://engine/_ping 2>/dev/null) == OK ]]
}

wait_dead() { # wait_dead SECONDS PID...
  local deadline=$((SECONDS + $1)) p left
  shift
  while :; do
    left=0
    for p in "$@"; do alive "$p" && left=1; done
    ((left)) || return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# --- the engine ------------------------------------------------------------

# The one place that knows how an engine is started: `up` and `start-engine`
# must launch the same daemon, or a restarted engine would be another host.
# shellcheck disable=SC2016 # the inner sh expands $0 and $@, not us
engine_cmd() {
  local i=$1 h
  h=$(hdir "$i")
  ENGINE_CMD=(
    # containerd inherits this. dockerd 20.10 sometimes dials containerd just
    # before it listens, then "kills and restarts" it (it recovers in ~0.2 s)
    # after a SIGUSR1, on which containerd dumps its stacks into $TMPDIR:
    # they belong in the state dir, not in /tmp.
    env TMPDIR="$h/tmp"
    # nsenter, not `ip netns exec`: the latter remounts /sys, and dockerd then
    # finds no cgroup mounts and exits ("Devices cgroup isn't mounted").
    nsenter --net="/var/run/netns/$(ns_of "$i")"
    # Its own UTS namespace gives each engine its own hostname, so /info Name
    # differs per host as it would on real machines.
    unshare --uts -- /bin/sh -c 'hostname "$0" && exec "$@"' "h$i"
    dockerd
    # Own config file: ignore /etc/docker/daemon.json, and carry a per-engine
    # trust key (dockerd 20.10 derives /info ID from /etc/docker/key.json by
    # default, so every engine would report the same ID).
    --config-file "$h/daemon.json"
    --data-root "$h/data"
    --exec-root "$h/exec"
    --pidfile "$h/docker.pid"
    --storage-driver overlay2
    --host "unix://$h/docker.sock"
    --host "tcp://$(addr_of "$i"):2375"
    # Without it dockerd warns about the unauthenticated TCP socket and
    # sleeps 15 s before serving.
    --tls=false
    # Relative on purpose: runc puts containers below its own cgroup, which
    # keeps them inside whatever memory cgroup ran `up`. `down` finds them by
    # this name in every hierarchy and kills what is inside.
    --cgroup-parent "$(ns_of "$i")"
    # The fleet's private registry, plain HTTP on a test address (issue 17).
    --insecure-registry "$REG_ADDR"
  )
  # h2 also takes it as its Docker Hub mirror: a pull of `dockpit/x` tries the registry first.
  if ((i == 2)); then ENGINE_CMD+=(--registry-mirror "http://$REG_ADDR"); fi
  # Only host 1 keeps containers running when its daemon dies, so the
  # cockpit has a difference between hosts to show.
  if ((i == 1)); then ENGINE_CMD+=(--live-restore); fi
}

launch_engine() {
  local i=$1 h
  h=$(hdir "$i")
  engine_cmd "$i"
  printf '{ "deprecated-key-path": "%s/key.json" }\n' "$h" >"$h/daemon.json"
  mkdir -p "$h/tmp"
  # The caller made sure no dockerd of this host runs; a stale pidfile naming
  # a reused pid would make dockerd refuse to start.
  rm -f "$h/docker.pid"
  # dockerd reuses the containerd named in this pidfile if kill(pid, 0)
  # succeeds, which it also does for a zombie: the containerd that died with
  # a killed dockerd stays one until pid 1 reaps it (seconds, here), and the
  # new dockerd then waits for it and fails ("timeout waiting for containerd
  # to start"). A containerd that really still runs is kept.
  if ! pid_from "$h/exec/containerd/containerd.pid" containerd >/dev/null; then
    rm -f "$h/exec/containerd/containerd.pid"
  fi
  # setsid: the engine outlives this script and ignores its terminal's ^C.
  # Only log files as stdio, and no other fd of ours: a daemon holding the
  # pipe a caller reads our output from would make that caller wait forever.
  setsid "${ENGINE_CMD[@]}" </dev/null >>"$h/dockerd.log" 2>&1 3>&- 9<&- &
  LAUNCHED[i]=$!
}

engine_failed() {
  log "engine h$1: $2; last lines of $(hdir "$1")/dockerd.log:"
  tail -n 20 "$(hdir "$1")/dockerd.log" >&2 || true
  exit 1
}

wait_engine() {
  local i=$1 deadline=$((SECONDS + ENGINE_TIMEOUT)) pid=${LAUNCHED[$1]:-}
  # curl /_ping is a cheap poll; `docker version` once at the end proves the
  # API answers a real client.
  until engine_answers "$i"; do
    ((SECONDS < deadline)) || engine_failed "$i" "no answer within ${ENGINE_TIMEOUT}s"
    if [[ -n $pid ]] && ! alive "$pid"; then engine_failed "$i" "dockerd exited"; fi
    sleep 0.05
  done
  ENGINE_VERSION[i]=$(dk "$i" version --format '{{.Server.Version}}') ||
    engine_failed "$i" "answers /_ping but not 'docker version'"
}

# --- the LAN ---------------------------------------------------------------

# Each namespace of the fleet gets one interface, eth0, on the LAN. One `ip
# -batch` for the root namespace and one per namespace: with one process per
# ip command, 8 namespaces took ~60 processes and up to a second.
setup_lan() {
  local n=$1 i cmds=() nss=() veths=() addrs=()
  for ((i = 1; i <= n; i++)); do nss+=("$(ns_of "$i")") veths+=("$VETH_PREFIX$i") addrs+=("$(addr_of "$i")"); done
  for ((i = 1; i <= ETCD_N; i++)); do nss+=("$(etcd_ns "$i")") veths+=("${VETH_PREFIX}e$i") addrs+=("$(etcd_addr "$i")"); done
  for ((i = 1; i <= JUMP_N; i++)); do nss+=("$(jump_ns "$i")") veths+=("${VETH_PREFIX}j$i") addrs+=("$(jump_addr "$i")"); done
  nss+=("$TLS_NS") veths+=("${VETH_PREFIX}t1") addrs+=("$TLS_ADDR")
  cmds=("link add $BRIDGE type bridge" "addr add $LAN.1/24 dev $BRIDGE" "link set $BRIDGE up")
  for i in "${!nss[@]}"; do
    cmds+=("netns add ${nss[i]}"
      "link add ${veths[i]} type veth peer name eth0 netns ${nss[i]}"
      "link set ${veths[i]} master $BRIDGE up")
  done
  printf '%s\n' "${cmds[@]}" | ip -batch -
  for i in "${!nss[@]}"; do
    # Traffic beyond the LAN dies in the root namespace (we don't enable
    # forwarding there): the fleet can talk to itself and to us, nothing else.
    printf '%s\n' "link set lo up" "addr add ${addrs[i]}/24 dev eth0" "link set eth0 up" \
      "route add default via $LAN.1" | ip -n "${nss[i]}" -batch -
  done
  # t1's second address, which its certificate does not name: the "certificate for another name" tests.
  ip -n "$TLS_NS" addr add "$TLS_ALT_ADDR/24" dev eth0
  # h2 pulls Hub names through its mirror, and dockerd first looks up names in DNS, which nothing on the
  # LAN answers: each pull waited 10 s for those lookups to time out. Refused at once, they cost nothing.
  if ((n >= 2)); then
    if ! { nsenter --net="/var/run/netns/$(ns_of 2)" iptables -w -A OUTPUT -p udp --dport 53 -j REJECT &&
      nsenter --net="/var/run/netns/$(ns_of 2)" iptables -w -A OUTPUT -p tcp --dport 53 -j REJECT --reject-with tcp-reset; }; then
      log "warning: could not refuse DNS in h2's namespace; pulls through its mirror will wait 10 s for lookups"
    fi
  fi
  # br_netfilter (loaded here, and by any dockerd) passes bridged frames
  # through the root namespace's FORWARD chain. Its policy is ACCEPT today,
  # but a host docker (e.g. started by installing docker.io) sets it to DROP
  # and would silently cut the hosts off from each other.
  if command -v iptables >/dev/null; then
    iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$IPT_TAG" -j ACCEPT 2>/dev/null ||
      log "warning: could not add the FORWARD rule for $BRIDGE; hosts may not reach each other if FORWARD drops"
  fi
}

# --- sshd ------------------------------------------------------------------

# shellcheck disable=SC2016,SC2094 # inner sh expands $0/$@; -E and stdio both only append to the log
start_sshd() {
  local i=$1 h
  h=$(hdir "$i")
  # Its own empty root home: bash run by sshd sources ~/.bashrc, and this
  # machine's /root/.bashrc runs `pyenv init` (slow, and it waits up to 60 s
  # on a lock a killed session can leave). A host's shell must not depend on
  # the dotfiles of the machine running the fleet.
  install -d -m 0700 "$h/home"
  # sshd binds its listener before it daemonises, so it accepts connections
  # once this returns. Absolute path: sshd re-executes itself per connection.
  # Same hostname as the host's engine, in a UTS namespace of its own.
  # MaxStartups: a dozen dockpit processes (two jump hosts racing) open their
  # SSH links at once; sshd's default (10:30:100) drops some of them.
  nsenter --net="/var/run/netns/$(ns_of "$i")" \
    unshare --uts -- /bin/sh -c 'hostname "$0" && exec "$@"' "h$i" \
    /usr/sbin/sshd -f /dev/null \
    -h "$h/ssh_host_ed25519_key" \
    -o ListenAddress="$(addr_of "$i")" -o Port=22 \
    -o AuthorizedKeysFile="$DIR/authorized_keys" \
    -o PidFile="$h/sshd.pid" \
    -o PermitRootLogin=prohibit-password \
    -o StrictModes=no \
    -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
    -o AllowStreamLocalForwarding=yes \
    -o MaxStartups=100:30:200 \
    -o SetEnv="HOME=$h/home" \
    -E "$h/sshd.log" </dev/null >>"$h/sshd.log" 2>&1 3>&- 9<&-
}

make_keys() {
  local n=$1 i
  ssh-keygen -q -t ed25519 -N '' -C dockpit-fleet -f "$DIR/id_ed25519"
  cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"
  : >"$DIR/known_hosts"
  for ((i = 1; i <= n; i++)); do
    ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "$(hdir "$i")/ssh_host_ed25519_key"
    # Plain (unhashed) entries, so dockpit's known_hosts parser sees addresses.
    printf '%s %s\n' "$(addr_of "$i")" "$(cut -d' ' -f1,2 "$(hdir "$i")/ssh_host_ed25519_key.pub")" >>"$DIR/known_hosts"
  done
}

# --- etcd --------------------------------------------------------------------

# A CA, a server certificate for the TLS-serving members (e1, e2: IP SANs), a
# client certificate, and a second, unrelated CA for "wrong CA" tests. EC
# P-256 keys: each openssl call takes milliseconds.
# A CA, a server and a client certificate signed by it, and an unrelated CA (for
# the refusals), made with openssl into DIR: what etcd's and t1's TLS both need.
# Usage: make_cert_set DIR WHAT CA_SUBJ SERVER_SUBJ SERVER_EKU SAN CLIENT_SUBJ OTHER_CA_SUBJ
make_cert_set() {
  local t=$1 what=$2 ca_subj=$3 server_subj=$4 server_eku=$5 san=$6 client_subj=$7 other_subj=$8 cnf
  mkdir -p "$t"
  cnf=$t/openssl.cnf
  cat >"$cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = $server_eku
subjectAltName = $san
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
  local req=(openssl req -config "$cnf" -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30)
  {
    "${req[@]}" -extensions ca -subj "$ca_subj" -keyout "$t/ca-key.pem" -out "$t/ca.pem" &&
      "${req[@]}" -extensions server -subj "$server_subj" -CA "$t/ca.pem" -CAkey "$t/ca-key.pem" \
        -keyout "$t/server-key.pem" -out "$t/server.pem" &&
      "${req[@]}" -extensions client -subj "$client_subj" -CA "$t/ca.pem" -CAkey "$t/ca-key.pem" \
        -keyout "$t/client-key.pem" -out "$t/client.pem" &&
      "${req[@]}" -extensions ca -subj "$other_subj" -keyout "$t/other-ca-key.pem" -out "$t/other-ca.pem"
  } >"$t/openssl.log" 2>&1 || { cat "$t/openssl.log" >&2; die "making the $what TLS certificates failed"; }
}

make_tls() {
  # Server: clientAuth too: with --client-cert-auth (e2), etcd's own HTTP
  # gateway dials its gRPC server with this certificate as a client.
  # Client: no CN: on e2 (client cert auth) etcd would take a CN as the user
  # name of a request without a token, and its HTTP/JSON gateway refuses
  # certificates with a CN (400). So the certificate alone grants nothing;
  # the password says who the client is.
  make_cert_set "$(tls_dir)" etcd /CN=dockpit-fleet-etcd-ca /CN=etcd-server serverAuth,clientAuth \
    "IP:$(etcd_addr 1),IP:$(etcd_addr 2)" /O=dockpit-fleet/OU=test-client /CN=unrelated-ca
}

# The one place that knows how a member is started: `up` and `etcd-start`
# must launch the same daemon.
# shellcheck disable=SC2016 # the inner sh expands $$, $0 and $@, not us
etcd_cmd() {
  local k=$1 e a t cluster='' j
  e=$(edir "$k")
  a=$(etcd_addr "$k")
  t=$(tls_dir)
  for ((j = 1; j <= ETCD_N; j++)); do cluster+=${cluster:+,}e$j=http://$(etcd_addr "$j"):2380; done
  ETCD_CMD=(
    nsenter --net="/var/run/netns/$(etcd_ns "$k")"
    # etcd writes no pidfile: the shell writes its own pid, then becomes etcd.
    /bin/sh -c 'echo $$ >"$0" && exec "$@"' "$e/etcd.pid"
    etcd --name "e$k" --data-dir "$e/data"
    --listen-peer-urls "http://$a:2380" --initial-advertise-peer-urls "http://$a:2380"
    # Only the plain URL is advertised (member list, `endpoint health
    # --cluster`); the TLS ports are in fleet.json.
    --advertise-client-urls "http://$a:2379"
    # Ignored once the data dir exists, so a restarted member keeps its identity.
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "dpf${FLEET_ID}-etcd"
    --heartbeat-interval 100 --election-timeout 1000
    --snapshot-count 1000
    # bcrypt cost 4 (default 10): an Authenticate (one per client connection
    # and member) hashes 64 times faster.
    --bcrypt-cost 4
    --logger zap --log-outputs stderr
  )
  case $k in
    1) ETCD_CMD+=(--listen-client-urls "http://$a:2379,https://$a:2381"
      --cert-file "$t/server.pem" --key-file "$t/server-key.pem") ;;
    2) ETCD_CMD+=(--listen-client-urls "http://$a:2379,https://$a:2381"
      --cert-file "$t/server.pem" --key-file "$t/server-key.pem"
      --client-cert-auth --trusted-ca-file "$t/ca.pem") ;;
    *) ETCD_CMD+=(--listen-client-urls "http://$a:2379") ;;
  esac
}

launch_etcd() {
  local k=$1 e
  e=$(edir "$k")
  mkdir -p "$e"
  rm -f "$e/etcd.pid"
  etcd_cmd "$k"
  # As the engines: a session of its own, log files as stdio, none of our fds.
  setsid "${ETCD_CMD[@]}" </dev/null >>"$e/etcd.log" 2>&1 3>&- 9<&- &
  ETCD_LAUNCHED[k]=$!
}

etcd_pid() { pid_from "$(edir "$1")/etcd.pid" etcd; }

# Healthy: the member has a leader and serves a linearizable read (/health
# does a quorum read; it needs no credentials, also with auth enabled).
etcd_healthy() {
  [[ $(curl -s --max-time 1 "$(etcd_url "$1")/health" 2>/dev/null) == *'"health":"true"'* ]]
}

# Whether member k says it leads (/metrics needs no credentials). Not
# `curl | grep -q`: grep quits at the match, and curl's SIGPIPE fails the pipe.
etcd_is_leader() {
  [[ $'\n'$(curl -s --max-time 1 "$(etcd_url "$1")/metrics" 2>/dev/null)$'\n' == *$'\netcd_server_is_leader 1\n'* ]]
}

etcd_failed() {
  log "etcd e$1: $2; last lines of $(edir "$1")/etcd.log:"
  tail -n 20 "$(edir "$1")/etcd.log" >&2 || true
  exit 1
}

wait_etcd() { # wait_etcd MEMBER...: until each is healthy
  local deadline=$((SECONDS + ETCD_TIMEOUT)) k pid pending
  while :; do
    pending=()
    for k in "$@"; do etcd_healthy "$k" || pending+=("$k"); done
    ((${#pending[@]})) || return 0
    for k in "${pending[@]}"; do
      pid=${ETCD_LAUNCHED[k]:-}
      if [[ -n $pid ]] && ! alive "$pid"; then etcd_failed "$k" "etcd exited"; fi
    done
    ((SECONDS < deadline)) || etcd_failed "${pending[0]}" "not healthy within ${ETCD_TIMEOUT}s (waiting for: ${pending[*]/#/e})"
    sleep 0.05
  done
}

# etcdctl against every member, as etcd user root.
# Environment, not flags: the password stays out of argv. etcdctl refuses
# an ETCDCTL_X beside its flag --x, so what the caller passes as a flag
# (--endpoints=..., --user=...) is left out of the environment.
ectl() (
  local a own=' '
  for a; do [[ $a == --* ]] && own+="${a%%=*} "; done
  export ETCDCTL_API=3
  if [[ $own != *' --endpoints '* ]]; then
    ETCDCTL_ENDPOINTS=$(etcd_endpoints)
    export ETCDCTL_ENDPOINTS
  fi
  [[ $own == *' --dial-timeout '* ]] || export ETCDCTL_DIAL_TIMEOUT=3s
  if [[ -s $DIR/etcd-root.pass && $own != *' --user '* ]]; then
    ETCDCTL_USER="root:$(<"$DIR/etcd-root.pass")"
    export ETCDCTL_USER
  fi
  exec etcdctl "$@"
)

# One request to etcd's auth API through its JSON gateway, as lines of a curl
# config file. The JSON has no spaces, so it needs no quoting there.
auth_req() { # auth_req PATH JSON
  printf 'url = %s/v3/auth/%s\ndata-binary = %s\nwrite-out = " %%{http_code} %s\\n"\n' "$(etcd_url 1)" "$1" "$2" "$1"
}

# A role with readwrite on a key prefix ending in '/': keys from PREFIX up to
# (not including) PREFIX with its '/' replaced by '0', the next character.
grant_json() { # grant_json ROLE PREFIX
  printf '{"name":"%s","perm":{"permType":"READWRITE","key":"%s","range_end":"%s"}}' "$1" \
    "$(printf '%s' "$2" | base64 -w0)" "$(printf '%s0' "${2%/}" | base64 -w0)"
}

# Users root, dockpit (readwrite on /dockpit/) and other (readwrite on
# /other/), each with a random password in $DIR/etcd-USER.pass; then auth on.
# One curl for all twelve requests, read from stdin (no password in argv):
# as many etcdctl runs took seconds on two cores busy starting engines.
setup_etcd_auth() {
  local u alog=$DIR/etcd-auth.log
  for u in root dockpit other; do (umask 077 && openssl rand -hex 16 >"$DIR/etcd-$u.pass"); done
  {
    for u in root dockpit other; do
      auth_req user/add "{\"name\":\"$u\",\"password\":\"$(<"$DIR/etcd-$u.pass")\"}"
      echo next
      auth_req role/add "{\"name\":\"$u\"}"
      echo next
      auth_req user/grant "{\"user\":\"$u\",\"role\":\"$u\"}"
      echo next
    done
    auth_req role/grant "$(grant_json dockpit "$ETCD_KEY_PREFIX")"
    echo next
    auth_req role/grant "$(grant_json other /other/)"
    echo next
    auth_req enable '{}'
  } | curl -s --max-time 10 -K - >"$alog" 2>&1 || true
  # Twelve answers, each a body and then " 200 PATH".
  if [[ $(grep -c ' 200 [a-z/]*$' "$alog") != 12 ]]; then
    cat "$alog" >&2
    die "setting up etcd users failed (see $alog)"
  fi
}

member_index() {
  if ! [[ ${1:-} =~ ^e([0-9]+)$ ]] || ((BASH_REMATCH[1] < 1 || BASH_REMATCH[1] > ETCD_N)); then
    die "expected an etcd member name like e2 (e1..e$ETCD_N), got '${1:-}'"
  fi
  local k=${BASH_REMATCH[1]}
  [[ -d $(edir "$k") && -e /run/netns/$(etcd_ns "$k") ]] || die "no etcd member e$k in the fleet at $DIR"
  echo "$k"
}

# --- the TLS engine and the private registry (issue 17) ----------------------

tdir() { echo "$DIR/t1"; }
etls_dir() { echo "$DIR/engine-tls"; }
# The docker CLI against t1, as dockpit reaches it: TLS verified, with the client certificate.
dt() {
  local t
  t=$(etls_dir)
  docker --tlsverify --tlscacert "$t/ca.pem" --tlscert "$t/client.pem" --tlskey "$t/client-key.pem" \
    -H "tcp://$TLS_ADDR:$TLS_PORT" "$@"
}

# A CA, t1's server certificate (SAN: its name and its first address only),
# a client certificate, and an unrelated CA for "wrong CA" tests. EC P-256, as
# for etcd: milliseconds each. Keys 0600 (openssl writes them so; chmod says it).
make_engine_tls() {
  local t
  t=$(etls_dir)
  make_cert_set "$t" engine /CN=dockpit-fleet-engine-ca /CN=t1 serverAuth "DNS:t1,IP:$TLS_ADDR" \
    /CN=dockpit-fleet-client /CN=unrelated-engine-ca
  chmod 0600 "$t"/*-key.pem
}

# shellcheck disable=SC2016 # the inner sh expands $0 and $@, not us
launch_tls_engine() {
  local h t
  h=$(tdir)
  t=$(etls_dir)
  mkdir -p "$h/tmp"
  printf '{ "deprecated-key-path": "%s/key.json" }\n' "$h" >"$h/daemon.json"
  rm -f "$h/docker.pid"
  if ! pid_from "$h/exec/containerd/containerd.pid" containerd >/dev/null; then rm -f "$h/exec/containerd/containerd.pid"; fi
  # As launch_engine, but no unix socket and no plain TCP: only TLS with client
  # certificates (dockerd's own minimum is TLS 1.2), on both of t1's addresses.
  setsid env TMPDIR="$h/tmp" nsenter --net="/var/run/netns/$TLS_NS" \
    unshare --uts -- /bin/sh -c 'hostname "$0" && exec "$@"' t1 \
    dockerd --config-file "$h/daemon.json" --data-root "$h/data" --exec-root "$h/exec" --pidfile "$h/docker.pid" \
    --storage-driver overlay2 \
    --host "tcp://$TLS_ADDR:$TLS_PORT" --host "tcp://$TLS_ALT_ADDR:$TLS_PORT" \
    --tlsverify --tlscacert "$t/ca.pem" --tlscert "$t/server.pem" --tlskey "$t/server-key.pem" \
    --insecure-registry "$REG_ADDR" \
    --cgroup-parent "$TLS_NS" \
    </dev/null >>"$h/dockerd.log" 2>&1 3>&- 9<&- &
  TLS_LAUNCHED=$!
}

tls_engine_pid() { pid_from "$(tdir)/docker.pid" dockerd; }

tls_engine_answers() {
  local t
  t=$(etls_dir)
  [[ $(curl -s --max-time 2 --cacert "$t/ca.pem" --cert "$t/client.pem" --key "$t/client-key.pem" \
    "https://$TLS_ADDR:$TLS_PORT/_ping" 2>/dev/null) == OK ]]
}

wait_tls_engine() {
  local deadline=$((SECONDS + ENGINE_TIMEOUT))
  until tls_engine_answers; do
    if ((SECONDS >= deadline)) || ! alive "$TLS_LAUNCHED"; then
      log "TLS engine t1: no answer within ${ENGINE_TIMEOUT}s or dockerd exited; last lines of $(tdir)/dockerd.log:"
      tail -n 20 "$(tdir)/dockerd.log" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
  TLS_VERSION=$(dt version --format '{{.Server.Version}}') || die "t1 answers /_ping but not 'docker version' over TLS"
}

tls_image_and_network() {
  dt load -q -i "$DIR/image.tar" >/dev/null &&
    dt network create --driver bridge --subnet "$SUBNET" --gateway "$GATEWAY" "$NETWORK" >/dev/null
}

reg_dir() { echo "$DIR/registry"; }
registry_pid() { pid_from "$(reg_dir)/registry.pid" docker-registry; }
registry_answers() { [[ $(curl -s --max-time 1 -o /dev/null -w '%{http_code}' "http://$REG_ADDR/v2/" 2>/dev/null) == 200 ]]; }

# Debian's docker-registry 2.8.2 on $REG_ADDR, storage in the fleet dir. The
# config file names $DIR, which is how `down` knows the process is ours.
launch_registry() {
  local d
  d=$(reg_dir)
  mkdir -p "$d/data"
  [[ -f $d/config.yml ]] || cat >"$d/config.yml" <<YAML
version: 0.1
log: { level: warn, accesslog: { disabled: true } }
storage:
  filesystem: { rootdirectory: $d/data }
  delete: { enabled: true }
http:
  addr: $REG_ADDR
YAML
  mon_launch "$d/registry.pid" "$d/registry.log" /usr/bin/docker-registry serve "$d/config.yml"
}

wait_registry() {
  local deadline=$((SECONDS + MON_TIMEOUT))
  until registry_answers; do
    ((SECONDS < deadline)) || mon_failed docker-registry "no answer on http://$REG_ADDR/v2/ within ${MON_TIMEOUT}s" "$(reg_dir)/registry.log"
    sleep 0.05
  done
}

# The fleet's image into the registry, once, from h1 (which then forgets the
# registry's name for it: every engine starts with only $IMAGE).
push_image() {
  wait_registry
  dk 1 tag "$IMAGE" "$REG_IMAGE" && dk 1 push -q "$REG_IMAGE" >/dev/null && dk 1 rmi "$REG_IMAGE" >/dev/null
}

cmd_registry_stop() {
  need_root
  check_dir
  lock
  local pid
  pid=$(registry_pid) || die "the registry is not running"
  kill -KILL "$pid"
  wait_dead 5 "$pid" || die "docker-registry $pid survived SIGKILL"
  rm -f "$(reg_dir)/registry.pid"
  echo "registry $REG_ADDR: docker-registry $pid killed"
}

cmd_registry_start() {
  need_root
  check_dir
  lock
  local pid t0
  [[ -f $(reg_dir)/config.yml ]] || die "no registry in the fleet at $DIR"
  if pid=$(registry_pid); then echo "registry $REG_ADDR: already running (pid $pid)"; return 0; fi
  t0=$(now_us)
  launch_registry
  wait_registry
  echo "registry $REG_ADDR: up (pid $(registry_pid)) in $(since "$t0")s"
}

cmd_tls_docker() {
  check_dir
  [[ -f $(etls_dir)/client.pem ]] || die "no TLS engine in the fleet at $DIR"
  dt "$@"
}

# --- jump hosts ------------------------------------------------------------

jump_index() {
  if ! [[ ${1:-} =~ ^j([0-9]+)$ ]] || ((BASH_REMATCH[1] < 1 || BASH_REMATCH[1] > JUMP_N)); then
    die "expected a jump host name like j1 (j1..j$JUMP_N), got '${1:-}'"
  fi
  local k=${BASH_REMATCH[1]}
  [[ -e /run/netns/$(jump_ns "$k") ]] || die "no jump host j$k in the fleet at $DIR"
  echo "$k"
}

in_jump() { local k=$1; shift; nsenter --net="/var/run/netns/$(jump_ns "$k")" -- "$@"; }

# From jump host k, every engine (TCP API, sshd) and every etcd member accepts
# a connection. Unix sockets are files: the namespace changes nothing there.
check_jump() {
  local k=$1 n=$2 i targets=()
  for ((i = 1; i <= n; i++)); do targets+=("$(addr_of "$i")/2375" "$(addr_of "$i")/22"); done
  for ((i = 1; i <= ETCD_N; i++)); do targets+=("$(etcd_addr "$i")/2379"); done
  # shellcheck disable=SC2016 # the inner bash expands $t
  timeout 5 nsenter --net="/var/run/netns/$(jump_ns "$k")" -- bash -c \
    'for t; do { exec 3<>"/dev/tcp/$t" && exec 3>&-; } 2>/dev/null || { echo "cannot reach ${t/\//:}" >&2; exit 1; }; done' \
    _ "${targets[@]}" || die "jump host j$k cannot reach the fleet"
}

# --- the image -------------------------------------------------------------

# No registry is reachable: build a busybox image from the static binary,
# import it once and copy it by save/load, so its ID is the same everywhere.
import_image() {
  local root=$DIR/rootfs
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  # One process instead of ~270 `ln`: busybox links all its applets at their
  # usual paths; in a chroot it uses argv[0] (/bin/busybox) as link target.
  chroot "$root" /bin/busybox --install -s
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
    dk 1 import --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
  rm -rf "$root"
  dk 1 save -o "$DIR/image.tar" "$IMAGE"
}

create_network() {
  dk "$1" network create --driver bridge --subnet "$SUBNET" --gateway "$GATEWAY" "$NETWORK" >/dev/null
}

# run FN i for each host at once; fail if any of them failed
each_host() {
  local fn=$1 from=$2 to=$3 i pids=() failed=0 p
  for ((i = from; i <= to; i++)); do
    "$fn" "$i" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  return $failed
}

load_image_and_network() { dk "$1" load -q -i "$DIR/image.tar" >/dev/null && create_network "$1"; }

check_ssh() { ssh "${SSH_OPTS[@]}" "root@$(addr_of "$1")" true; }

# --- monitoring services (issue 15) -------------------------------------------

# Alertmanager, Prometheus and a Zabbix server on PostgreSQL, from Debian's
# packages, for the alerting tests. They run in the root network namespace on
# 127.0.0.1 (the tests run there); Alertmanager and the Zabbix trapper also
# on the LAN's $LAN.1, for a dockpit run in a jump host. On ports derived
# from the fleet id so that parallel fleets never collide; 29000-30100 stays
# below Linux's ephemeral range (32768+). PostgreSQL listens on its unix
# socket only. Their data lives in $DIR; `down` finds them by pidfile, by a
# command line naming $DIR or by a working directory below it (postgres and
# zabbix_server rename their children, and zabbix's HA manager outlives a
# killed main process).
MON_ID=${FLEET_ID:-0}
PROM_PORT=$((29000 + MON_ID))
AM_PORT=$((29300 + MON_ID))
ZBX_PORT=$((29600 + MON_ID))
PG_PORT=$((29900 + MON_ID)) # names the socket file only: no TCP listener
PG_BIN=/usr/lib/postgresql/15/bin
ZBX_SQL=/usr/share/zabbix-server-pgsql
MON_TIMEOUT=30 # seconds each service may take to answer
PROM_DIR_NAME=prometheus AM_DIR_NAME=alertmanager ZBX_DIR_NAME=zabbix PG_DIR_NAME=pg

mon_dir() { echo "$DIR/$1"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# As the engines: a session of their own, log files as stdio, none of our fds.
# The shell writes its own pid, then becomes the daemon (neither Alertmanager
# nor Prometheus writes a pidfile).
# shellcheck disable=SC2016 # the inner sh expands $$, $0 and $@, not us
mon_launch() { # mon_launch PIDFILE LOG CMD...
  local pidfile=$1 logf=$2
  shift 2
  setsid /bin/sh -c 'echo $$ >"$0" && exec "$@"' "$pidfile" "$@" </dev/null >>"$logf" 2>&1 3>&- 9<&- &
}

launch_alertmanager() {
  local d
  d=$(mon_dir "$AM_DIR_NAME")
  mkdir -p "$d/data"
  # One receiver with no integration: alerts are kept and served by the API,
  # sent nowhere. Short waits so a grouped notification would not lag a test.
  cat >"$d/alertmanager.yml" <<YAML
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: default
YAML
  mon_launch "$d/alertmanager.pid" "$d/alertmanager.log" prometheus-alertmanager \
    --config.file "$d/alertmanager.yml" --storage.path "$d/data" \
    --web.listen-address "127.0.0.1:$AM_PORT" --web.listen-address "$LAN.1:$AM_PORT" --cluster.listen-address=
}

launch_prometheus() {
  local d
  d=$(mon_dir "$PROM_DIR_NAME")
  mkdir -p "$d/data"
  # A test points the job at a `dockpit watch --metrics` address by writing
  # targets.json (file_sd: re-read on change and every second).
  echo '[]' >"$d/targets.json"
  cat >"$d/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: dockpit
    file_sd_configs:
      - files: [$d/targets.json]
        refresh_interval: 1s
YAML
  mon_launch "$d/prometheus.pid" "$d/prometheus.log" prometheus \
    --config.file "$d/prometheus.yml" --storage.tsdb.path "$d/data" \
    --storage.tsdb.retention.time 1d --web.listen-address "127.0.0.1:$PROM_PORT"
}

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

zpsql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(mon_dir "$PG_DIR_NAME")" -p "$PG_PORT" -U zabbix "$@"; }

# PostgreSQL (initdb, start), the zabbix database with the package's schema,
# then zabbix_server. Runs as one background job of `up`.
start_zabbix() {
  local pg zd deadline
  pg=$(mon_dir "$PG_DIR_NAME")
  zd=$(mon_dir "$ZBX_DIR_NAME")
  mkdir -p "$pg" "$zd"
  chown postgres: "$pg"
  # Superuser "zabbix", trust on the socket only: no password anywhere. No
  # fsync: the database dies with the fleet.
  as_postgres "$PG_BIN/initdb" -D "$pg/data" -U zabbix -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$pg/initdb.log" 2>&1 || { tail -n 20 "$pg/initdb.log" >&2; die "initdb failed (see $pg/initdb.log)"; }
  # postgres writes its own pidfile (data/postmaster.pid) and runs in its data dir.
  setsid setpriv --reuid=postgres --regid=postgres --init-groups -- "$PG_BIN/postgres" -D "$pg/data" \
    -k "$pg" -p "$PG_PORT" -c listen_addresses= -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c shared_buffers=16MB -c max_connections=50 \
    </dev/null >>"$pg/postgres.log" 2>&1 3>&- 9<&- &
  deadline=$((SECONDS + MON_TIMEOUT))
  until "$PG_BIN/pg_isready" -q -h "$pg" -p "$PG_PORT"; do
    ((SECONDS < deadline)) || { tail -n 20 "$pg/postgres.log" >&2; die "postgres: no answer within ${MON_TIMEOUT}s"; }
    sleep 0.05
  done
  # The schema, and of data.sql only the rows the server needs to start
  # (config, which names a user group and a host group): the full data.sql
  # (templates, needing images.sql too) takes 10 s here, these 0.5 s.
  {
    echo 'CREATE DATABASE zabbix;'
    echo '\connect zabbix'
    zcat "$ZBX_SQL/schema.sql.gz"
    echo 'START TRANSACTION;'
    zcat "$ZBX_SQL/data.sql.gz" | grep -E '^INSERT INTO (role|users|usrgrp|users_groups|hstgrp|config) '
    echo 'COMMIT;'
  } | zpsql -d postgres >"$zd/schema.log" 2>&1 || { tail -n 20 "$zd/schema.log" >&2; die "loading the Zabbix schema failed"; }
  # Only what a trapper needs: no pollers, small caches, and the config cache
  # re-read every second so items a test creates by SQL are seen at once.
  cat >"$zd/zabbix_server.conf" <<CONF
LogType=file
LogFile=$zd/zabbix_server.log
LogFileSize=0
PidFile=$zd/zabbix_server.pid
SocketDir=$zd
DBHost=$pg
DBPort=$PG_PORT
DBName=zabbix
DBUser=zabbix
ListenIP=127.0.0.1,$LAN.1
ListenPort=$ZBX_PORT
AllowRoot=1
StartPollers=0
StartPollersUnreachable=0
StartPreprocessors=1
StartHistoryPollers=0
StartTrappers=2
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTimers=1
StartEscalators=1
StartAlerters=1
StartProxyPollers=0
StartLLDProcessors=1
StartODBCPollers=0
StartDBSyncers=1
HousekeepingFrequency=0
CacheSize=8M
CacheUpdateFrequency=1
HistoryCacheSize=2M
HistoryIndexCacheSize=1M
TrendCacheSize=1M
TrendFunctionCacheSize=1M
ValueCacheSize=2M
Timeout=4
CONF
  # AllowRoot: the files are root's; it still reaches postgres as DB user
  # zabbix. It runs in its directory, so that `down` finds its renamed
  # children by their working directory. One simple command: in `cd && cmd &`
  # a shell would wait for cmd, holding our lock's fd.
  # shellcheck disable=SC2016 # the inner sh expands $0 and $@, not us
  setsid /bin/sh -c 'cd "$0" && exec "$@"' "$zd" zabbix_server -f -c "$zd/zabbix_server.conf" \
    </dev/null >>"$zd/zabbix_server.out" 2>&1 3>&- 9<&- &
  deadline=$((SECONDS + MON_TIMEOUT))
  until port_busy "$ZBX_PORT"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$zd/zabbix_server.log" >&2 || true
      die "zabbix_server: trapper port 127.0.0.1:$ZBX_PORT not open within ${MON_TIMEOUT}s"
    fi
    sleep 0.05
  done
}

alertmanager_pid() { pid_from "$(mon_dir "$AM_DIR_NAME")/alertmanager.pid" prometheus-aler; } # comm is cut at 15
prometheus_pid() { pid_from "$(mon_dir "$PROM_DIR_NAME")/prometheus.pid" prometheus; }
postgres_pid() { pid_from "$(mon_dir "$PG_DIR_NAME")/data/postmaster.pid" postgres; }
zabbix_pid() { pid_from "$(mon_dir "$ZBX_DIR_NAME")/zabbix_server.pid" zabbix_server; }

ready() { [[ $(curl -s --max-time 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/-/ready" 2>/dev/null) == 200 ]]; }
zabbix_ready() {
  port_busy "$ZBX_PORT" &&
    [[ $(zpsql -d zabbix -At -c 'select mandatory from dbversion' 2>/dev/null) =~ ^[0-9]+$ ]]
}

# Before anything starts: `down` has removed ours, so a listener on one of
# our ports belongs to someone else.
check_mon_ports() {
  local p
  for p in "$AM_PORT" "$PROM_PORT" "$ZBX_PORT"; do
    if port_busy "$p"; then die "port 127.0.0.1:$p (monitoring services of fleet id $MON_ID) is taken by another process"; fi
  done
}

start_monitors() {
  check_mon_ports
  launch_alertmanager
  launch_prometheus
  # Without the lock's fd: whatever this job leaves running must not hold it.
  start_zabbix >/dev/null 9<&- &
  ZBX_JOB=$!
}

mon_failed() {
  log "$1: $2; last lines of $3:"
  tail -n 20 "$3" >&2 || true
  exit 1
}

wait_monitors() {
  local deadline=$((SECONDS + MON_TIMEOUT)) am=0 prom=0
  while ((!am || !prom)); do
    ((am)) || { ready "$AM_PORT" && am=1; } || true
    ((prom)) || { ready "$PROM_PORT" && prom=1; } || true
    ((am && prom)) && break
    if ((SECONDS >= deadline)); then
      ((am)) || mon_failed alertmanager "not ready within ${MON_TIMEOUT}s" "$(mon_dir "$AM_DIR_NAME")/alertmanager.log"
      mon_failed prometheus "not ready within ${MON_TIMEOUT}s" "$(mon_dir "$PROM_DIR_NAME")/prometheus.log"
    fi
    sleep 0.05
  done
  wait "$ZBX_JOB" || die "the Zabbix server did not come up; logs in $(mon_dir "$PG_DIR_NAME") and $(mon_dir "$ZBX_DIR_NAME")"
  ZBX_JOB=
  zabbix_ready || mon_failed zabbix "trapper port open but the database has no schema" "$(mon_dir "$ZBX_DIR_NAME")/zabbix_server.log"
}

tls_json() {
  local t h
  t=$(etls_dir)
  h=$(tdir)
  printf '  "tlsHost": { "name": "t1", "netns": "%s", "addr": "%s", "url": "https://%s:%s", "otherNameUrl": "https://%s:%s",\n' \
    "$TLS_NS" "$TLS_ADDR" "$TLS_ADDR" "$TLS_PORT" "$TLS_ALT_ADDR" "$TLS_PORT"
  printf '    "ca": "%s", "cert": "%s", "key": "%s", "otherCa": "%s", "serverCert": "%s",\n' \
    "$t/ca.pem" "$t/client.pem" "$t/client-key.pem" "$t/other-ca.pem" "$t/server.pem"
  printf '    "pidfile": "%s", "log": "%s", "config": "%s" },\n' "$h/docker.pid" "$h/dockerd.log" "$DIR/dockpit-tls.yaml"
  printf '  "registry": { "addr": "%s", "image": "%s", "mirrorOn": ["h2"], "pidfile": "%s", "log": "%s", "dataDir": "%s" },\n' \
    "$REG_ADDR" "$REG_IMAGE" "$(reg_dir)/registry.pid" "$(reg_dir)/registry.log" "$(reg_dir)/data"
}

mon_json() {
  local pg
  pg=$(mon_dir "$PG_DIR_NAME")
  printf '  "monitors": {\n'
  printf '    "alertmanager": "http://127.0.0.1:%s",\n    "prometheus": "http://127.0.0.1:%s",\n' "$AM_PORT" "$PROM_PORT"
  printf '    "alertmanagerLan": "http://%s.1:%s",\n' "$LAN" "$AM_PORT"
  printf '    "promTargets": "%s/targets.json",\n' "$(mon_dir "$PROM_DIR_NAME")"
  printf '    "zabbix": { "server": "127.0.0.1:%s", "serverLan": "%s.1:%s", "pgSocketDir": "%s", "pgPort": %s, "db": "zabbix", "user": "zabbix", "log": "%s/zabbix_server.log" }\n' \
    "$ZBX_PORT" "$LAN" "$ZBX_PORT" "$pg" "$PG_PORT" "$(mon_dir "$ZBX_DIR_NAME")"
  printf '  },\n'
}

# --- descriptors for dockpit and the tests -----------------------------------

transport_of() { # how dockpit.yaml reaches host i: all three transports with 3 hosts
  case $(($1 % 3)) in 1) echo unix ;; 2) echo tcp ;; 0) echo ssh ;; esac
}

json_list() { # json_list ITEM...: ["ITEM", ...]
  local s='' x
  for x; do s+=${s:+, }\"$x\"; done
  echo "[$s]"
}

write_descriptors() {
  local n=$1 i a sep t endpoints=() yaml_hosts
  t=$(tls_dir)
  for ((i = 1; i <= ETCD_N; i++)); do endpoints+=("$(etcd_url "$i")"); done
  {
    printf '{\n  "dir": "%s",\n  "hosts": [\n' "$DIR"
    for ((i = 1; i <= n; i++)); do
      a=$(addr_of "$i")
      sep=,
      ((i == n)) && sep=
      printf '    { "name": "h%d", "netns": "%s", "addr": "%s", "socket": "%s", "tcp": "tcp://%s:2375", "ssh": "ssh://root@%s:22", "pidfile": "%s", "log": "%s", "liveRestore": %s, "transport": "%s" }%s\n' \
        "$i" "$(ns_of "$i")" "$a" "$(sock_of "$i")" "$a" "$a" "$(hdir "$i")/docker.pid" \
        "$(hdir "$i")/dockerd.log" "$( ((i == 1)) && echo true || echo false)" "$(transport_of "$i")" "$sep"
    done
    printf '  ],\n  "identityFile": "%s",\n  "knownHosts": "%s",\n' "$DIR/id_ed25519" "$DIR/known_hosts"
    printf '  "image": "%s",\n  "imageId": "%s",\n  "imageTar": "%s",\n' "$IMAGE" "$IMAGE_ID" "$DIR/image.tar"
    printf '  "network": "%s",\n  "subnet": "%s",\n  "gateway": "%s",\n' "$NETWORK" "$SUBNET" "$GATEWAY"
    mon_json
    tls_json
    printf '  "etcd": {\n    "endpoints": %s,\n' "$(json_list "${endpoints[@]}")"
    # e1: TLS, server authentication only. e2: mutual TLS, a client
    # certificate signed by "ca" is required (it has no CN: the password still
    # says who the client is). Neither is advertised in the member list.
    printf '    "tlsEndpoint": "https://%s:2381",\n    "tlsClientCertRequired": false,\n' "$(etcd_addr 1)"
    printf '    "mtlsEndpoint": "https://%s:2381",\n    "mtlsClientCertRequired": true,\n' "$(etcd_addr 2)"
    printf '    "ca": "%s",\n    "clientCert": "%s",\n    "clientKey": "%s",\n    "otherCa": "%s",\n' \
      "$t/ca.pem" "$t/client.pem" "$t/client-key.pem" "$t/other-ca.pem"
    printf '    "prefix": "%s",\n    "authToken": "simple",\n    "users": {\n' "$ETCD_KEY_PREFIX"
    printf '      "dockpit": { "user": "dockpit", "password": "%s", "prefix": "%s" },\n' "$(<"$DIR/etcd-dockpit.pass")" "$ETCD_KEY_PREFIX"
    printf '      "root": { "user": "root", "password": "%s", "passwordFile": "%s" },\n' "$(<"$DIR/etcd-root.pass")" "$DIR/etcd-root.pass"
    printf '      "other": { "user": "other", "password": "%s", "prefix": "/other/" }\n    },\n' "$(<"$DIR/etcd-other.pass")"
    printf '    "members": [\n'
    for ((i = 1; i <= ETCD_N; i++)); do
      sep=,
      ((i == ETCD_N)) && sep=
      printf '      { "name": "e%d", "addr": "%s", "netns": "%s", "clientUrl": "%s", "peerUrl": "http://%s:2380", "pidfile": "%s", "log": "%s", "dataDir": "%s" }%s\n' \
        "$i" "$(etcd_addr "$i")" "$(etcd_ns "$i")" "$(etcd_url "$i")" "$(etcd_addr "$i")" \
        "$(edir "$i")/etcd.pid" "$(edir "$i")/etcd.log" "$(edir "$i")/data" "$sep"
    done
    printf '    ]\n  },\n  "jumpHosts": [\n'
    for ((i = 1; i <= JUMP_N; i++)); do
      sep=,
      ((i == JUMP_N)) && sep=
      printf '    { "name": "j%d", "netns": "%s", "addr": "%s" }%s\n' "$i" "$(jump_ns "$i")" "$(jump_addr "$i")" "$sep"
    done
    printf '  ]\n}\n'
  } >"$DIR/fleet.json"

  yaml_hosts=$(
    echo "hosts:"
    for ((i = 1; i <= n; i++)); do
      a=$(addr_of "$i")
      echo "  - name: h$i"
      case $(transport_of "$i") in
        unix) echo "    url: unix://$(sock_of "$i")" ;;
        tcp) echo "    url: tcp://$a:2375" ;;
        ssh)
          echo "    url: ssh://root@$a:22"
          echo "    socket: $(sock_of "$i")"
          echo "    identityFile: $DIR/id_ed25519"
          echo "    knownHosts: $DIR/known_hosts"
          ;;
      esac
    done
  )

  {
    echo "# dockpit config for the test fleet (written by test/fleet/fleet.sh up)"
    # The fleet's own state folder: the cockpit records inspects there, not in the operator's home.
    echo "state: $DIR/state"
    echo "$yaml_hosts"
  } >"$DIR/dockpit.yaml"

  {
    echo "# dockpit config for the test fleet, state in its etcd cluster (written by test/fleet/fleet.sh up)"
    echo "state:"
    echo "  etcd:"
    echo "    endpoints: [$(etcd_endpoints | sed 's/,/, /g')]"
    echo "    prefix: $ETCD_KEY_PREFIX"
    echo "    user: dockpit"
    echo "    password: $(<"$DIR/etcd-dockpit.pass")"
    echo "$yaml_hosts"
  } >"$DIR/dockpit-etcd.yaml"

  # dockpit.yaml plus t1 over TLS: the tests that speak TLS use it, the others keep their three hosts.
  {
    echo "# dockpit config for the test fleet with the TLS engine t1 (written by test/fleet/fleet.sh up)"
    echo "state: $DIR/state"
    echo "$yaml_hosts"
    echo "  - name: t1"
    echo "    url: https://$TLS_ADDR:$TLS_PORT"
    echo "    tls: { ca: $(etls_dir)/ca.pem, cert: $(etls_dir)/client.pem, key: $(etls_dir)/client-key.pem }"
  } >"$DIR/dockpit-tls.yaml"
}

# --- up --------------------------------------------------------------------

cmd_up() {
  local n=${1:-3} t0 i d
  if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > 99)); then die "N must be 1..99, got '$n'"; fi
  need_root
  check_dir
  lock
  ensure_packages
  t0=$(now_us)
  # A failed `up` leaves its state for inspection; the next `up` or `down` clears it.
  ETCD_JOB='' ZBX_JOB=''
  trap 'rc=$?; [[ -z $ETCD_JOB ]] || kill "$ETCD_JOB" 2>/dev/null || true
    [[ -z $ZBX_JOB ]] || kill "$ZBX_JOB" 2>/dev/null || true
    ((rc == 0)) || log "up failed; logs are in $DIR/h*/ and $DIR/e*/; \`fleet.sh down\` cleans up"' EXIT

  fleet_down quiet

  mkdir -p "$DIR"
  touch "$DIR/$MARKER"
  : >"$DIR/created-dirs"
  for d in "${SYSTEM_DIRS[@]}"; do [[ -e $d ]] || echo "$d" >>"$DIR/created-dirs"; done
  # `ip netns add` bind-mounts /run/netns onto itself the first time.
  mountpoint -q /run/netns 2>/dev/null || echo "mount:/run/netns" >>"$DIR/created-dirs"
  for ((i = 1; i <= n; i++)); do mkdir -p "$(hdir "$i")"; done
  for ((i = 1; i <= ETCD_N; i++)); do mkdir -p "$(edir "$i")"; done
  mkdir -p "$(tdir)"

  setup_lan "$n"

  # Engines and etcd members boot in the background while we do everything
  # else. Engines first: they are the slowest to answer.
  LAUNCHED=() ENGINE_VERSION=()
  for ((i = 1; i <= n; i++)); do launch_engine "$i"; done
  make_engine_tls
  launch_tls_engine
  launch_registry
  make_tls
  ETCD_LAUNCHED=()
  for ((i = 1; i <= ETCD_N; i++)); do launch_etcd "$i"; done
  # The monitoring services boot beside the engines; waited for at the end.
  start_monitors

  make_keys "$n"
  install -d -m 0755 /run/sshd # sshd's privilege separation directory
  for ((i = 1; i <= n; i++)); do start_sshd "$i"; done

  # The members elect a leader and get their users while the engines start
  # and take the image (raft writes wait on fsync, the engines on the CPU).
  # shellcheck disable=SC2046
  { wait_etcd $(seq "$ETCD_N") && setup_etcd_auth; } &
  ETCD_JOB=$!

  for ((i = 1; i <= n; i++)); do wait_engine "$i"; done
  wait_tls_engine

  import_image
  # t1 takes the image and the network, and h1 pushes it to the registry,
  # while the other hosts load it.
  tls_image_and_network &
  local t1_job=$!
  push_image &
  local push_job=$!
  each_host create_network 1 1 &
  local h1_net=$!
  if ((n > 1)); then each_host load_image_and_network 2 "$n"; fi
  wait "$h1_net"
  wait "$t1_job" || die "loading the image or creating the network on t1 failed; see $(tdir)/dockerd.log"
  wait "$push_job" || die "pushing $IMAGE to the registry $REG_ADDR failed; see $(reg_dir)/registry.log"
  [[ $(dt image inspect -f '{{.Id}}' "$IMAGE") == "$(dk 1 image inspect -f '{{.Id}}' "$IMAGE")" ]] || die "image ID differs on t1"
  IMAGE_ID=$(dk 1 image inspect -f '{{.Id}}' "$IMAGE")
  for ((i = 2; i <= n; i++)); do
    [[ $(dk "$i" image inspect -f '{{.Id}}' "$IMAGE") == "$IMAGE_ID" ]] || die "image ID differs on h$i"
  done

  wait "$ETCD_JOB" || die "etcd did not come up; its logs are in $DIR/e*/etcd.log"
  ETCD_JOB=
  ssh_opts
  local jump_checks=()
  for ((i = 1; i <= JUMP_N; i++)); do
    check_jump "$i" "$n" &
    jump_checks+=($!)
  done
  each_host check_ssh 1 "$n" || die "ssh into the hosts failed; see $DIR/h*/sshd.log"
  for i in "${jump_checks[@]}"; do wait "$i" || die "a jump host cannot reach the fleet"; done

  local tm
  tm=$(now_us)
  wait_monitors
  MON_WAIT=$(since "$tm")
  write_descriptors "$n"
  trap - EXIT

  echo "fleet up: $n host(s) in $(since "$t0")s, state in $DIR"
  for ((i = 1; i <= n; i++)); do
    printf '  h%-3s %-12s engine %s (pid %s)%s  dockpit via %s\n' "$i" "$(addr_of "$i")" \
      "${ENGINE_VERSION[i]}" "$(engine_pid "$i")" "$( ((i == 1)) && echo ', live-restore')" "$(transport_of "$i")"
  done
  echo "  image $IMAGE ${IMAGE_ID:7:12} on every engine; network $NETWORK $SUBNET"
  local etcd_version
  etcd_version=$(etcd --version | sed -n 's/^etcd Version: //p')
  for ((i = 1; i <= ETCD_N; i++)); do
    printf '  e%-3s %-12s etcd %s (pid %s)%s\n' "$i" "$(etcd_addr "$i")" "$etcd_version" \
      "$(etcd_pid "$i")" "$(case $i in 1) echo ', TLS on :2381' ;; 2) echo ', mutual TLS on :2381' ;; esac)"
  done
  echo "  etcd auth on: users root, dockpit ($ETCD_KEY_PREFIX), other (/other/); passwords in $DIR/etcd-*.pass"
  for ((i = 1; i <= JUMP_N; i++)); do printf '  j%-3s %-12s jump host\n' "$i" "$(jump_addr "$i")"; done
  printf '  alertmanager http://127.0.0.1:%s (pid %s), prometheus http://127.0.0.1:%s (pid %s)\n' \
    "$AM_PORT" "$(alertmanager_pid)" "$PROM_PORT" "$(prometheus_pid)"
  printf '  zabbix server 127.0.0.1:%s (pid %s) on postgres (pid %s, socket %s:%s); waited %ss for them at the end\n' \
    "$ZBX_PORT" "$(zabbix_pid)" "$(postgres_pid)" "$(mon_dir "$PG_DIR_NAME")" "$PG_PORT" "$MON_WAIT"
  printf '  t1   %-12s engine %s (pid %s), TLS only on :%s (also as %s, a name its certificate lacks)\n' \
    "$TLS_ADDR" "$TLS_VERSION" "$(tls_engine_pid)" "$TLS_PORT" "$TLS_ALT_ADDR"
  printf '  registry http://%s (pid %s) holds %s; h2 uses it as its mirror\n' "$REG_ADDR" "$(registry_pid)" "$REG_IMAGE"
  echo "  $DIR/dockpit.yaml  $DIR/dockpit-etcd.yaml  $DIR/dockpit-tls.yaml  $DIR/fleet.json"
}

# --- down ------------------------------------------------------------------

fleet_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "$NS_RE" || true; }

# Cgroups named after a host, in every hierarchy and at any depth (relative
# cgroup parents sit below the cgroup that ran `up`, e.g. in memory).
fleet_cgroups() {
  find /sys/fs/cgroup/ -mindepth 2 -maxdepth 8 -type d \( -name "${NS_PREFIX}[0-9]*" -o -name "$TLS_NS" \) -prune 2>/dev/null || true
}

# The processes we know belong to the fleet, before adding their descendants.
fleet_root_pids() {
  local ns cg f pid comm argv cwd
  # 1. Whatever runs in one of our network namespaces: dockerd, containerd,
  #    shims, docker-proxy, sshd and its sessions, etcd, what runs on a jump host.
  for ns in $(fleet_netns); do ip netns pids "$ns" 2>/dev/null || true; done
  # 2. Container processes (they have network namespaces of their own).
  for cg in $(fleet_cgroups); do find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null || true; done
  # 3. Our daemons whose namespace is already gone (a crash after `ip netns
  #    del`), by pidfile or by a command line that names the state dir.
  for f in "$DIR"/h*/docker.pid "$DIR"/t1/docker.pid; do pid_from "$f" dockerd || true; done
  for f in "$DIR"/h*/sshd.pid; do pid_from "$f" sshd || true; done
  for f in "$DIR"/h*/exec/containerd/containerd.pid "$DIR"/t1/exec/containerd/containerd.pid; do pid_from "$f" containerd || true; done
  registry_pid || true
  for f in "$DIR"/e*/etcd.pid; do pid_from "$f" etcd || true; done
  alertmanager_pid || true
  prometheus_pid || true
  postgres_pid || true
  zabbix_pid || true
  for f in /proc/[0-9]*/comm; do
    { read -r comm <"$f"; } 2>/dev/null || continue
    case $comm in
      dockerd | containerd | containerd-shim* | docker-proxy | sshd | runc | etcd | prometheus | prometheus-aler | docker-registry) ;;
      # They rename their children; all of them run in a directory of ours.
      postgres | zabbix_server | initdb | psql) ;;
      *) continue ;;
    esac
    pid=${f#/proc/}
    pid=${pid%/comm}
    { mapfile -d '' -t argv <"/proc/$pid/cmdline"; } 2>/dev/null || continue
    if [[ "${argv[*]}" == *"$DIR/"* ]]; then
      echo "$pid"
    elif cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) && [[ $cwd/ == "$DIR/"* ]]; then
      echo "$pid"
    fi
  done
}

# Every live process of the fleet, one pid per line: the roots above and all
# their descendants (shells in ssh sessions, processes exec'd in containers).
fleet_pids() {
  local pid p st queue=() STAT_STATE STAT_PPID
  local -A seen=() children=() self=()
  for st in /proc/[0-9]*/stat; do
    pid=${st#/proc/}
    pid=${pid%/stat}
    read_stat "$pid" && children[$STAT_PPID]+="$pid "
  done
  # Never ourselves or our callers (someone may run this from inside a host).
  p=$BASHPID
  while ((p > 1)) && read_stat "$p"; do
    self[$p]=1
    p=$STAT_PPID
  done
  mapfile -t queue < <(fleet_root_pids | sort -un)
  while ((${#queue[@]})); do
    pid=${queue[0]}
    queue=("${queue[@]:1}")
    [[ -z $pid || -n ${seen[$pid]:-} || -n ${self[$pid]:-} ]] && continue
    seen[$pid]=1
    if alive "$pid"; then echo "$pid"; fi
    for p in ${children[$pid]:-}; do queue+=("$p"); done
  done
}

# Orphaned zombies, waiting for pid 1 to reap them. After a crash we can't
# tell whose they were (a zombie has no command line or namespaces left), and
# containers run anything, so all of them count; pid 1 reaps them together.
fleet_zombies() {
  local st pid STAT_STATE STAT_PPID
  for st in /proc/[0-9]*/stat; do
    pid=${st#/proc/}
    pid=${pid%/stat}
    if read_stat "$pid" && [[ $STAT_STATE == Z && $STAT_PPID == 1 ]]; then echo -n "$pid "; fi
  done
  return 0
}

kill_fleet_processes() {
  local pids cg f
  for _ in 1 2 3 4 5; do
    # SIGKILL is not delivered to a frozen (docker pause) cgroup: thaw first.
    for cg in $(fleet_cgroups); do
      for f in $(find "$cg" -name freezer.state -o -name cgroup.freeze 2>/dev/null || true); do
        if [[ $f == */freezer.state ]]; then echo THAWED >"$f"; else echo 0 >"$f"; fi 2>/dev/null || true
      done
    done
    mapfile -t pids < <(fleet_pids)
    ((${#pids[@]})) || return 0
    KILLED_PIDS+=("${pids[@]}")
    # Straight SIGKILL: a graceful dockerd stop takes >10 s per busy engine,
    # and nothing of the fleet is worth keeping. CONT lets stopped ones die now.
    kill -KILL "${pids[@]}" 2>/dev/null || true
    kill -CONT "${pids[@]}" 2>/dev/null || true
    wait_dead 5 "${pids[@]}" || true
  done
  die "fleet processes survived SIGKILL: $(fleet_pids | tr '\n' ' ')"
}

unmount_under() {
  local base=$1 m mounts
  for _ in 1 2 3; do
    # Children sort after their parents, so reverse order unmounts deepest first.
    mapfile -t mounts < <(awk -v b="$base/" 'index($5, b) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    ((${#mounts[@]})) || return 0
    for m in "${mounts[@]}"; do
      if umount -l "$m" 2>/dev/null; then UNMOUNTED=$((UNMOUNTED + 1)); fi
    done
  done
  die "still mounted under $base: $(awk -v b="$base/" 'index($5, b) == 1 { print $5 }' /proc/self/mountinfo)"
}

# containerd 1.6 puts each shim's socket at /run/containerd/s/sha256(address/namespace/id)
# and leaves it when the shim is killed; compute ours and remove just those.
remove_shim_sockets() {
  local h c id addr
  [[ -d /run/containerd/s ]] || return 0
  for h in "$DIR"/h*/ "$DIR"/t1/; do
    addr=${h}exec/containerd/containerd.sock
    for c in "${h}"data/containers/* "${h}"exec/containerd/daemon/io.containerd.runtime.v2.task/moby/*; do
      id=${c##*/}
      [[ $id =~ ^[0-9a-f]{64}$ ]] || continue
      rm -f "/run/containerd/s/$(printf '%s' "$addr/moby/$id" | sha256sum | cut -d' ' -f1)"
    done
  done
}

remove_created_dirs() {
  local d
  [[ -f $DIR/created-dirs ]] || return 0
  # /run/netns first: it must be unmounted before it can be removed.
  if grep -qx 'mount:/run/netns' "$DIR/created-dirs" && mountpoint -q /run/netns 2>/dev/null &&
    [[ -z $(ls -A /run/netns) ]]; then
    umount /run/netns 2>/dev/null || true
  fi
  while read -r d; do
    # sshd chroots into its empty /run/sshd for each connection: another fleet's sshd would refuse every
    # new one (seen when one fleet went down under another's benchmark). Kept while any sshd runs.
    if [[ $d == /run/sshd ]] && pgrep -x sshd >/dev/null; then continue; fi
    if [[ $d == /* ]]; then rmdir "$d" 2>/dev/null || true; fi # only if empty: never someone else's
  done <"$DIR/created-dirs"
}

fleet_down() {
  local quiet=${1:-} t0 ns link cg n STAT_STATE STAT_PPID
  t0=$(now_us)
  KILLED_PIDS=() UNMOUNTED=0
  if [[ -e $DIR && ! -e $DIR/$MARKER && -n $(ls -A "$DIR" 2>/dev/null) ]]; then
    die "$DIR exists and is not a fleet directory (no $MARKER); refusing to touch it"
  fi

  kill_fleet_processes
  remove_shim_sockets
  unmount_under "$DIR"

  n=0
  for ns in $(fleet_netns); do ip netns del "$ns" 2>/dev/null || rm -f "/run/netns/$ns"; n=$((n + 1)); done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
    grep -E "^($BRIDGE|${VETH_PREFIX}[ejt]?[0-9]+)\$"); do
    ip link del "$link" 2>/dev/null || true
  done
  while iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$IPT_TAG" -j ACCEPT 2>/dev/null; do :; done

  # Empty cgroups stay behind otherwise; a just-killed task can keep one busy
  # for a moment, hence the retries.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    for cg in $(fleet_cgroups); do find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
    [[ -z $(fleet_cgroups) ]] && break
    sleep 0.1
  done
  [[ -z $(fleet_cgroups) ]] || log "warning: cgroups left: $(fleet_cgroups | tr '\n' ' ')"

  remove_created_dirs
  if [[ -e $DIR ]]; then rm -rf --one-file-system "$DIR"; fi

  # What we killed was reparented to pid 1, and pid 1 in this sandbox reaps
  # orphans only every ~2 s. Wait for that, so `ps` shows no <defunct>
  # dockerd once we return; also for those an interrupted `down` killed.
  local deadline=$((SECONDS + 5)) zombies
  while zombies=$(fleet_zombies) && [[ -n $zombies ]] && ((SECONDS < deadline)); do sleep 0.1; done
  [[ -z $zombies ]] || log "note: still waiting for pid 1 to reap: $zombies"

  local summary
  summary="fleet down: killed ${#KILLED_PIDS[@]} process(es), unmounted $UNMOUNTED, removed $n namespace(s) in $(since "$t0")s"
  if [[ -z $quiet ]]; then
    echo "$summary"
  elif ((${#KILLED_PIDS[@]} || n)); then
    echo "$summary" >&2 # inside `up` it is a progress note, not the result
  fi
}

cmd_down() {
  need_root
  check_dir
  lock
  fleet_down
}

# --- single-engine faults and status ------------------------------------------

host_index() {
  [[ ${1:-} =~ ^h([0-9]+)$ ]] || die "expected a host name like h2, got '${1:-}'"
  local i=${BASH_REMATCH[1]}
  [[ -d $(hdir "$i") && -e /run/netns/$(ns_of "$i") ]] || die "no host h$i in the fleet at $DIR"
  echo "$i"
}

cmd_stop_engine() {
  need_root
  check_dir
  lock
  local i pid cpid
  i=$(host_index "${1:-}")
  pid=$(engine_pid "$i") || die "engine h$i is not running"
  cpid=$(pid_from "$(hdir "$i")/exec/containerd/containerd.pid" containerd) || true
  kill -KILL "$pid"
  wait_dead 5 "$pid" || die "dockerd $pid of h$i survived SIGKILL"
  rm -f "$(hdir "$i")/docker.pid"
  # dockerd starts its containerd with a parent-death signal, so containerd
  # dies with it; the shims (and so the containers) live on.
  if [[ -n $cpid ]] && wait_dead 2 "$cpid"; then
    echo "h$i: dockerd $pid killed; its containerd $cpid died with it; containers keep running in their shims"
  else
    echo "h$i: dockerd $pid killed${cpid:+; containerd $cpid still running}"
  fi
}

cmd_start_engine() {
  need_root
  check_dir
  lock
  local i pid t0
  i=$(host_index "${1:-}")
  if pid=$(engine_pid "$i"); then
    engine_answers "$i" && { echo "h$i: engine already running (pid $pid)"; return 0; }
    die "h$i: dockerd $pid is running but does not answer (frozen? try: fleet.sh thaw h$i)"
  fi
  t0=$(now_us)
  LAUNCHED=() ENGINE_VERSION=()
  launch_engine "$i"
  wait_engine "$i"
  echo "h$i: engine ${ENGINE_VERSION[i]} up (pid $(engine_pid "$i")) in $(since "$t0")s"
}

cmd_signal_engine() { # freeze/thaw: a daemon that hangs but doesn't die
  need_root
  check_dir
  local sig=$1 i pid
  i=$(host_index "${2:-}")
  pid=$(engine_pid "$i") || die "engine h$i is not running"
  kill "-$sig" "$pid"
  echo "h$i: dockerd $pid $( [[ $sig == STOP ]] && echo frozen || echo thawed)"
}

cmd_status() {
  check_dir
  [[ -f $DIR/fleet.json ]] || { echo "no fleet at $DIR"; return 1; }
  local i pid engine sshd all_up=0
  printf '%-4s %-12s %-14s %-8s %s\n' HOST ADDR ENGINE PID SSHD
  for i in $(printf '%s\n' "$DIR"/h[0-9]* | sed 's|.*/h||' | sort -n); do
    if ! pid=$(engine_pid "$i"); then
      engine=down pid=-
    elif read_stat "$pid" && [[ $STAT_STATE == T ]]; then
      engine=frozen
    elif engine_answers "$i"; then
      engine=up
    else
      engine=unresponsive
    fi
    if sshd_pid "$i" >/dev/null && timeout 2 bash -c "exec 3<>/dev/tcp/$(addr_of "$i")/22" 2>/dev/null; then
      sshd=up
    else
      sshd=down
    fi
    [[ $engine == up && $sshd == up ]] || all_up=2
    printf '%-4s %-12s %-14s %-8s %s\n' "h$i" "$(addr_of "$i")" "$engine" "$pid" "$sshd"
  done
  if [[ -d $(tdir) ]]; then
    if ! pid=$(tls_engine_pid); then
      engine=down pid=-
    elif read_stat "$pid" && [[ $STAT_STATE == T ]]; then
      engine=frozen
    elif tls_engine_answers; then
      engine=up
    else
      engine=unresponsive
    fi
    [[ $engine == up ]] || all_up=2
    printf '%-4s %-12s %-14s %-8s %s\n' t1 "$TLS_ADDR" "$engine" "$pid" "(TLS :$TLS_PORT only)"
  fi
  local k state leader
  if [[ -d $DIR/e1 ]]; then
    printf '\n%-4s %-12s %-14s %-8s %s\n' ETCD ADDR STATE PID ROLE
    for ((k = 1; k <= ETCD_N; k++)); do
      leader=-
      if ! pid=$(etcd_pid "$k"); then
        state=down pid=-
      elif etcd_healthy "$k"; then
        state=up
        if etcd_is_leader "$k"; then
          leader=leader
        else
          leader=follower
        fi
      else
        state=unhealthy
      fi
      [[ $state == up ]] || all_up=2
      printf '%-4s %-12s %-14s %-8s %s\n' "e$k" "$(etcd_addr "$k")" "$state" "$pid" "$leader"
    done
    printf '\n%-4s %-12s %s\n' JUMP ADDR ETCD
    for ((k = 1; k <= JUMP_N; k++)); do
      if [[ ! -e /run/netns/$(jump_ns "$k") ]]; then
        state="(no namespace)"
        all_up=2
      elif ((EUID == 0)) && jump_is_cut "$k"; then
        state='cut'
      else
        state=reachable
      fi
      printf '%-4s %-12s %s\n' "j$k" "$(jump_addr "$k")" "$state"
    done
  fi
  if [[ -d $(mon_dir "$AM_DIR_NAME") ]]; then
    printf '\n%-13s %-22s %-8s %s\n' MONITOR ADDR PID STATE
    pid=$(alertmanager_pid) || pid=-
    if ready "$AM_PORT"; then state=up; else state=down all_up=2; fi
    printf '%-13s %-22s %-8s %s\n' alertmanager "127.0.0.1:$AM_PORT" "$pid" "$state"
    pid=$(prometheus_pid) || pid=-
    if ready "$PROM_PORT"; then state=up; else state=down all_up=2; fi
    printf '%-13s %-22s %-8s %s\n' prometheus "127.0.0.1:$PROM_PORT" "$pid" "$state"
    pid=$(postgres_pid) || pid=-
    if "$PG_BIN/pg_isready" -q -h "$(mon_dir "$PG_DIR_NAME")" -p "$PG_PORT"; then state=up; else state=down all_up=2; fi
    printf '%-13s %-22s %-8s %s\n' postgres "$(mon_dir "$PG_DIR_NAME"):$PG_PORT" "$pid" "$state"
    pid=$(zabbix_pid) || pid=-
    if zabbix_ready; then state=up; else state=down all_up=2; fi
    printf '%-13s %-22s %-8s %s\n' zabbix-server "127.0.0.1:$ZBX_PORT" "$pid" "$state"
  fi
  if [[ -d $(reg_dir) ]]; then
    pid=$(registry_pid) || pid=-
    if registry_answers; then state=up; else state=down all_up=2; fi
    printf '%-13s %-22s %-8s %s\n' registry "$REG_ADDR" "$pid" "$state"
  fi
  return $all_up
}

# --- etcd faults, jump hosts ---------------------------------------------------

cmd_etcd_stop() { # eN...
  need_root
  check_dir
  lock
  local name k pid
  (($#)) || die "usage: fleet.sh etcd-stop eN [eN...]"
  for name; do
    k=$(member_index "$name")
    pid=$(etcd_pid "$k") || die "etcd e$k is not running"
    kill -KILL "$pid"
    wait_dead 5 "$pid" || die "etcd $pid of e$k survived SIGKILL"
    rm -f "$(edir "$k")/etcd.pid"
    echo "e$k: etcd $pid killed"
  done
}

# Several at once when quorum needs them together (all three stopped: a
# member alone never becomes healthy).
cmd_etcd_start() { # eN...
  need_root
  check_dir
  lock
  local name k pid t0 all=() started=()
  (($#)) || die "usage: fleet.sh etcd-start eN [eN...]"
  t0=$(now_us)
  ETCD_LAUNCHED=()
  for name; do
    k=$(member_index "$name")
    all+=("$k")
    if pid=$(etcd_pid "$k"); then
      echo "e$k: etcd already running (pid $pid)"
    else
      launch_etcd "$k"
      started+=("$k")
    fi
  done
  wait_etcd "${all[@]}" # a running one may be waiting for quorum too
  for k in "${started[@]}"; do echo "e$k: etcd up (pid $(etcd_pid "$k")) in $(since "$t0")s"; done
}

# Each member says whether it is the leader. Waits (bounded) through an
# election until exactly one member claims it.
cmd_etcd_leader() {
  check_dir
  local deadline=$((SECONDS + 10)) k leaders
  while :; do
    leaders=()
    for ((k = 1; k <= ETCD_N; k++)); do
      if etcd_is_leader "$k"; then leaders+=("e$k"); fi
    done
    if ((${#leaders[@]} == 1)); then
      echo "${leaders[0]}"
      return 0
    fi
    ((SECONDS < deadline)) || die "no single etcd leader within 10s (claiming: ${leaders[*]:-none})"
    sleep 0.1
  done
}

cmd_etcdctl() {
  check_dir
  [[ -s $DIR/etcd-root.pass ]] || die "no etcd in the fleet at $DIR (no $DIR/etcd-root.pass)"
  ectl "$@"
}

cmd_jump_exec() {
  need_root
  local k
  k=$(jump_index "${1:-}")
  shift
  (($#)) || die "usage: fleet.sh jump-exec jN CMD [ARGS...]"
  # Only the network namespace changes: same filesystem (unix sockets, files
  # of $DIR), environment, stdio; nsenter execs CMD, so its exit code is ours.
  exec nsenter --net="/var/run/netns/$(jump_ns "$k")" -- "$@"
}

# The rules live in the jump host's own namespace: `down` deletes it and
# them with it. DROP, not REJECT: a cut link makes calls hang, not fail.
jump_ipt() { local k=$1; shift; in_jump "$k" iptables -w "$@"; }

cmd_cut_etcd() {
  need_root
  check_dir
  lock
  local k m a
  k=$(jump_index "${1:-}")
  for ((m = 1; m <= ETCD_N; m++)); do
    a=$(etcd_addr "$m")
    jump_ipt "$k" -C OUTPUT -d "$a/32" -m comment --comment "$CUT_TAG" -j DROP 2>/dev/null ||
      jump_ipt "$k" -A OUTPUT -d "$a/32" -m comment --comment "$CUT_TAG" -j DROP
    jump_ipt "$k" -C INPUT -s "$a/32" -m comment --comment "$CUT_TAG" -j DROP 2>/dev/null ||
      jump_ipt "$k" -A INPUT -s "$a/32" -m comment --comment "$CUT_TAG" -j DROP
  done
  echo "j$k: etcd cut off (packets to and from $(etcd_addr 1)-$(etcd_addr "$ETCD_N" | sed 's/.*\.//') dropped)"
}

cmd_heal_etcd() {
  need_root
  check_dir
  lock
  local k m a
  k=$(jump_index "${1:-}")
  for ((m = 1; m <= ETCD_N; m++)); do
    a=$(etcd_addr "$m")
    while jump_ipt "$k" -D OUTPUT -d "$a/32" -m comment --comment "$CUT_TAG" -j DROP 2>/dev/null; do :; done
    while jump_ipt "$k" -D INPUT -s "$a/32" -m comment --comment "$CUT_TAG" -j DROP 2>/dev/null; do :; done
  done
  echo "j$k: etcd reachable again"
}

jump_is_cut() {
  [[ $(jump_ipt "$1" -S OUTPUT 2>/dev/null) == *"$CUT_TAG"* ]]
}

# Issue 17, F2: the rules live in the host's own namespace (`down` deletes it and them), on port 22
# only: the host's engine stays reachable over its socket and TCP, so the tests still see the truth.
host_ipt() { local i=$1; shift; nsenter --net="/var/run/netns/$(ns_of "$i")" iptables -w "$@"; }

# No `lock`: that lock is every fleet's, held for minutes by another fleet's `up`, and a cut is timed.
cmd_cut_ssh() {
  need_root
  check_dir
  local i mode=${2:-drop} pid c
  i=$(host_index "${1:-}")
  [[ $mode == drop || $mode == reset ]] || die "cut-ssh: expected 'reset' or nothing after the host, got '$mode'"
  if [[ $mode == drop ]]; then
    host_ipt "$i" -I INPUT 1 -p tcp --dport 22 -m comment --comment "$SSH_CUT_TAG" -j DROP
    host_ipt "$i" -I OUTPUT 1 -p tcp --sport 22 -m comment --comment "$SSH_CUT_TAG" -j DROP
  else
    host_ipt "$i" -I INPUT 1 -p tcp --dport 22 -m comment --comment "$SSH_CUT_TAG" -j REJECT --reject-with tcp-reset
    # The listener's children are the open sessions (sshd forks one per connection); the listener stays.
    pid=$(sshd_pid "$i") || die "sshd of h$i is not running"
    for c in $(ps -o pid= --ppid "$pid"); do kill -KILL "$c" 2>/dev/null || true; done
  fi
  echo "h$i: sshd cut off ($mode)"
}

cmd_heal_ssh() {
  need_root
  check_dir
  local i chain rule words
  i=$(host_index "${1:-}")
  for chain in INPUT OUTPUT; do
    while rule=$(host_ipt "$i" -S "$chain" | grep -m1 -- "$SSH_CUT_TAG"); do
      read -ra words <<<"${rule/-A /-D }" # the rule's words, as -S printed them (no quoting in them)
      host_ipt "$i" "${words[@]}"
    done
  done
  echo "h$i: sshd reachable again"
}

usage() {
  sed -n '/^# Usage/,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

case ${1:-} in
  up) cmd_up "${2:-3}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  stop-engine) cmd_stop_engine "${2:-}" ;;
  start-engine) cmd_start_engine "${2:-}" ;;
  freeze) cmd_signal_engine STOP "${2:-}" ;;
  thaw) cmd_signal_engine CONT "${2:-}" ;;
  etcd-stop) shift && cmd_etcd_stop "$@" ;;
  etcd-start) shift && cmd_etcd_start "$@" ;;
  etcd-leader) cmd_etcd_leader ;;
  etcdctl) shift && cmd_etcdctl "$@" ;;
  jump-exec) shift && cmd_jump_exec "$@" ;;
  cut-etcd) cmd_cut_etcd "${2:-}" ;;
  heal-etcd) cmd_heal_etcd "${2:-}" ;;
  cut-ssh) cmd_cut_ssh "${2:-}" "${3:-}" ;;
  heal-ssh) cmd_heal_ssh "${2:-}" ;;
  registry-stop) cmd_registry_stop ;;
  registry-start) cmd_registry_start ;;
  tls-docker) shift && cmd_tls_docker "$@" ;;
  *) usage ;;
esac
