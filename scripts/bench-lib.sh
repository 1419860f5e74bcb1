# Shared by scripts/bench smtp and scripts/bench memory: throwaway replyd and Postfix instances on
# loopback, a receiver that answers 200, file counts, CPU and memory figures from /proc.
# Everything lives under one temporary directory ($WORK) that bench_cleanup removes, also on Ctrl-C.
# shellcheck shell=bash

BENCH_CP=
WORK=
REPLYD_PIDS=()
RECEIVER_PID=
PY_RECEIVER_PID=
PFX_DIRS=()
HOG_PIDS=()
CLK_TCK=$(getconf CLK_TCK)

# Builds what the harness runs: the replyd distribution (unless "tools-only") and the bench module,
# and only the modules they need (-am), so a half-edited module elsewhere does not stop a benchmark.
# Rebuilds when a source, pom or config file is newer than the last harness build.
bench_build() {
  local stamp="$REPO/modules/bench/target/.bench-stamp" cpfile="$REPO/modules/bench/target/bench.classpath"
  local targets=modules/bench
  [ "${1:-}" = tools-only ] || targets=modules/daemon,modules/bench
  # BENCH_NO_BUILD=1 uses what is built, so the measured part can run under the build lock without
  # waiting for itself: build, then `BENCH_NO_BUILD=1 flock /tmp/replyd-mvn.lock scripts/bench ...`.
  if [ -n "${BENCH_NO_BUILD:-}" ]; then
    if [ ! -f "$cpfile" ] || { [ "${1:-}" != tools-only ] && [ ! -x "$DIST/bin/replyd" ]; }; then
      echo "scripts/bench: BENCH_NO_BUILD is set but $targets is not built (run: mvn -B -q -DskipTests -pl $targets -am package)" >&2
      exit 1
    fi
  elif [ ! -f "$cpfile" ] || [ ! -f "$stamp" ] || { [ "${1:-}" != tools-only ] && [ ! -x "$DIST/bin/replyd" ]; } || \
     [ -n "$(find "$REPO/pom.xml" "$REPO/modules" "$REPO/config" -newer "$stamp" -not -path '*/target/*' -print -quit 2>/dev/null)" ]; then
    command -v mvn >/dev/null 2>&1 || apt_install maven
    echo "building $targets (mvn package, tests skipped)..." >&2
    (cd "$REPO" && mvn_locked -B -q -DskipTests -pl "$targets" -am package) >&2
    [ "${1:-}" = tools-only ] || touch "$stamp"
  fi
  BENCH_CP="$REPO/modules/bench/target/classes:$(cat "$cpfile")"
}

# Runs a bench tool; exec, so that "bench_java ... &" gives $! of the JVM itself (cleanup kills it).
bench_java() { exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -cp "$BENCH_CP" "$@"; }

# Creates $WORK and arranges for everything started from here on to be stopped and removed.
bench_setup() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/replyd-bench.XXXXXX")
  chmod 755 "$WORK"
  trap bench_cleanup EXIT
  trap 'echo "scripts/bench: interrupted, cleaning up" >&2; exit 130' INT TERM
  export REPLYD_ADDRESS_KEYS REPLYD_CALLBACK_SECRET
  REPLYD_ADDRESS_KEYS=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  REPLYD_CALLBACK_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
}

bench_cleanup() {
  local pid dir
  for pid in "${HOG_PIDS[@]}" "${REPLYD_PIDS[@]}" $RECEIVER_PID $PY_RECEIVER_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for dir in "${PFX_DIRS[@]}"; do
    postfix -c "$dir/etc" stop >/dev/null 2>&1 || postfix -c "$dir/etc" abort >/dev/null 2>&1 || true
  done
  for pid in "${HOG_PIDS[@]}" "${REPLYD_PIDS[@]}" $RECEIVER_PID $PY_RECEIVER_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Postfix children may linger a moment after "stop"; the queue must not be removed under them.
  for dir in "${PFX_DIRS[@]}"; do
    for _ in $(seq 50); do [ -e "$dir/queue/pid/master.pid" ] && kill -0 "$(tr -d ' ' <"$dir/queue/pid/master.pid")" 2>/dev/null || break; sleep 0.1; done
  done
  [ -n "$WORK" ] && [ -d "$WORK" ] && [ -z "${BENCH_KEEP:-}" ] && rm -rf "$WORK"
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $WORK" >&2
  return 0
}

# Microseconds since the epoch, without a fork (bash 5 EPOCHREALTIME).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# A free TCP port on 127.0.0.1 (nothing accepts a connection on it).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

wait_port() { # PORT SECONDS WHAT
  local deadline=$(( $(date +%s) + $2 ))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "scripts/bench: $3 did not open 127.0.0.1:$1 within $2 s" >&2; return 1; }
    sleep 0.05
  done
}

count_files() { find "$1" -mindepth 1 -maxdepth 1 -type f 2>/dev/null | wc -l; }

clear_dir() { find "$1" -mindepth 1 -maxdepth 1 -type f -delete 2>/dev/null || true; }

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# utime+stime of one process, in clock ticks.
proc_ticks() { local s; s=$(cat "/proc/$1/stat") && s=${s##*) } && awk '{print $12 + $13}' <<<"$s"; }

proc_status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; } # PID VmHWM|VmRSS

# CPU of a Postfix instance: master (with the children it has reaped) plus its live children.
# Prints "M <master incl. reaped>" then "C <pid> <starttime> <ticks>" per live child.
pfx_snapshot() { # MASTER_PID
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v m="$1" '
    { pid = $1; sub(/^.*\) /, "")
      if (pid == m) print "M", $12 + $13 + $14 + $15
      else if ($2 == m) print "C", pid, $20, $12 + $13 }'
}

# Ticks used between two snapshots: master's own and reaped-children delta, plus each live child's
# delta; a child alive at the first snapshot and reaped before the second is in the master's
# reaped total with its whole life, so its ticks at the first snapshot are subtracted.
pfx_delta() { # SNAP0 SNAP1
  awk 'FNR == NR { if ($1 == "M") m0 = $2; else before[$2 " " $3] = $4; next }
       { if ($1 == "M") m1 = $2; else { key = $2 " " $3; now[key] = $4 } }
       END { d = m1 - m0
             for (k in now) d += now[k] - (k in before ? before[k] : 0)
             for (k in before) if (!(k in now)) d -= before[k]
             print d }' "$1" "$2"
}

pfx_master_pid() { tr -d ' \n' <"$1/queue/pid/master.pid"; }

# Sum of a /proc status field (VmHWM, VmRSS) over master and its children, in KiB.
pfx_status_kb() { # DIR FIELD
  local m total=0 pid v
  m=$(pfx_master_pid "$1")
  for pid in $m $(ps -o pid= --ppid "$m"); do
    v=$(proc_status_kb "$pid" "$2"); total=$((total + ${v:-0}))
  done
  echo "$total"
}

# Starts the 200-answering receiver; sets RECEIVER_PORT, RECEIVER_STATS and RECEIVER_POSTS (one line per
# POST: "<unix time> <delivery id> <message_id>").
receiver_start() {
  RECEIVER_PORT=$(free_port)
  RECEIVER_STATS="$WORK/receiver.stats"
  RECEIVER_POSTS="$WORK/receiver.posts"
  (bench_java dev.replyd.bench.AcceptingReceiver "$RECEIVER_PORT" "$RECEIVER_STATS" "$RECEIVER_POSTS") >"$WORK/receiver.log" 2>&1 &
  RECEIVER_PID=$!
  wait_port "$RECEIVER_PORT" 30 "the bench receiver"
}

# Starts the ordinary main app: Python's http.server answering HTTP/1.0 and closing each connection
# (the processor tests' main_app.py); sets PY_RECEIVER_PORT and PY_RECEIVER_POSTS (same format).
py_receiver_start() {
  PY_RECEIVER_PORT=$(free_port)
  PY_RECEIVER_POSTS="$WORK/main-app-py.posts"
  python3 "$REPO/modules/processor/src/test/resources/main-app/main_app.py" --mode http10 --port "$PY_RECEIVER_PORT" \
    --record "$PY_RECEIVER_POSTS" >"$WORK/main-app-py.log" 2>&1 &
  PY_RECEIVER_PID=$!
  wait_port "$PY_RECEIVER_PORT" 30 "the Python main app"
}

# A counter from replyd's /metrics (0 when absent): metric_value METRICS_PORT 'NAME{LABELS}'
metric_value() {
  curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m " ") == 1 { printf "%d", $2; found = 1 }
    END { if (!found) print 0 }'
}

receiver_stat() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" "$RECEIVER_STATS" 2>/dev/null; } # posts|distinct|max_in_flight

# Writes a replyd config and starts replyd in the background.
# replyd_start NAME PROCESSOR_ENABLED [EXTRA HOCON [ROOT NAME]]; sets R_PID R_PORT R_ROOT R_RCPT R_LOG R_METRICS.
# The callback goes to 127.0.0.1:$RECEIVER_PORT.
# Storage lives in $WORK/<ROOT NAME, default NAME>/data, so a second instance can take over a backlog.
replyd_start() {
  local name=$1 enabled=$2 extra=${3:-}
  R_ROOT="$WORK/${4:-$name}"
  R_PORT=$(free_port)
  local metrics; metrics=$(free_port)
  R_METRICS=$metrics
  mkdir -p "$R_ROOT"
  cat >"$WORK/$name.conf" <<EOF
replyd {
  hostname = "bench.replyd.test"
  reply-domain = "reply.bench.test"
  smtp { bind = "127.0.0.1", port = $R_PORT, max-connections = 2000, max-connections-per-ip = 2000 }
  storage { root = "$R_ROOT/data", min-free = 256MiB }
  # Sender checks (SPF, DKIM, DMARC) are off: they wait on DNS, which would measure the resolver
  # (bench smtp --sender-checks turns them on in one more instance, against its own slow DNS server).
  processor { enabled = $enabled, sender-checks.enabled = false }
  callback { url = "http://127.0.0.1:${RECEIVER_PORT:-9}/hooks/replyd", max-age = 1h }
  metrics { bind = "127.0.0.1", port = $metrics }
  shutdown.grace = 5s
  $extra
}
EOF
  R_RCPT=$(REPLYD_JAVA_OPTS= "$DIST/bin/replyd" address mint --config "$WORK/$name.conf" --kind i --thread 42 --user 5 | tail -n 1)
  R_LOG="$WORK/$name.log"
  local t0; t0=$(now_us)
  "$DIST/bin/replyd" run --config "$WORK/$name.conf" >"$R_LOG" 2>&1 &
  R_PID=$!
  REPLYD_PIDS+=("$R_PID")
  if ! wait_port "$R_PORT" 120 "replyd ($name)"; then
    tail -n 20 "$R_LOG" >&2
    return 1
  fi
  # Start to ready: from the launcher's exec to the SMTP port accepting connections.
  R_READY=$(awk -v us=$(( $(now_us) - t0 )) 'BEGIN { printf "%.2f", us / 1e6 }')
}

# CPU of each thread of a JVM, in clock ticks: "<tid> <name> <ticks>" per line (names may hold spaces).
thread_snapshot() { # PID
  local f
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null; echo; done |
    awk 'NF { lp = index($0, "("); rp = 0
              for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { rp = i; break }
              name = substr($0, lp + 1, rp - lp - 1); gsub(/ /, "_", name)
              split(substr($0, rp + 2), f, " ")
              print $1, name, f[12] + f[13] }'
}

# Per-thread-group CPU between two snapshots, in ms per message, largest first; threads are grouped by
# name without their trailing number ("replyd-worker-3" -> "replyd-worker").
thread_delta() { # SNAP0 SNAP1 MESSAGES
  awk -v hz="$CLK_TCK" -v n="$3" 'FNR == NR { before[$1 " " $2] = $3; next }
    { d = $3 - (($1 " " $2) in before ? before[$1 " " $2] : 0); g = $2; sub(/[-#_]?[0-9]+$/, "", g); sum[g] += d }
    END { for (g in sum) if (sum[g] > 0) printf "%s %.2f\n", g, sum[g] * 1000 / hz / n }' "$1" "$2" |
    sort -k2 -g -r | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }'
}

replyd_stop() { # PID
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# Starts a throwaway Postfix: own config and queue under $WORK/NAME, smtpd on a high loopback port,
# virtual(8) delivery into $WORK/NAME/mail/reply/ (a Maildir). Sets P_DIR P_PORT P_NEW P_RCPT.
postfix_start() {
  local name=$1
  command -v postfix >/dev/null 2>&1 || apt_install postfix
  P_DIR="$WORK/$name"
  P_PORT=$(free_port)
  mkdir -p "$P_DIR/etc" "$P_DIR/queue" "$P_DIR/data" "$P_DIR/mail"
  chown postfix "$P_DIR/data"
  chown nobody "$P_DIR/mail"
  cat >"$P_DIR/etc/main.cf" <<EOF
# Throwaway instance of scripts/bench: loopback only, virtual delivery into one Maildir.
compatibility_level = 3.6
queue_directory = $P_DIR/queue
data_directory = $P_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.postfix.test
mydomain = postfix.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no
message_size_limit = 209715200
virtual_mailbox_limit = 0
virtual_mailbox_domains = reply.bench.test
virtual_mailbox_base = $P_DIR/mail
virtual_mailbox_maps = static:reply/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_minimum_uid = 100
maillog_file_prefixes = $P_DIR
maillog_file = $P_DIR/maillog
EOF
  # Debian's master.cf without chroot (the throwaway queue has no chroot jail) and with smtpd on our port.
  cat >"$P_DIR/etc/master.cf" <<EOF
127.0.0.1:$P_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
virtual   unix  - n n - - virtual
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
  PFX_DIRS+=("$P_DIR")
  if ! postfix -c "$P_DIR/etc" start >"$P_DIR/start.log" 2>&1; then
    echo "scripts/bench: Postfix ($P_DIR) did not start:" >&2
    cat "$P_DIR/start.log" >&2; tail -n 5 "$P_DIR/maillog" >&2 2>/dev/null
    return 1
  fi
  wait_port "$P_PORT" 30 "Postfix"
  P_NEW="$P_DIR/mail/reply/new"
  P_RCPT="reply+bench@reply.bench.test"
}
