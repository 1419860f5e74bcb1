# scripts/bench smtp: throughput, CPU, memory and acceptance latency of replyd (and Postfix) under
# smtp-source load. Sourced by scripts/bench after bench-lib.sh.
# shellcheck shell=bash

smtp_usage() {
  cat >&2 <<'EOF'
usage: scripts/bench smtp [--sessions N] [--size BYTES] [--count N] [--mode conn|persist]
                          [--rounds N] [--warmup N] [--warmup-min N] [--vs-postfix] [--no-pipeline] [--no-latency] [--sender-checks]
                          [--cold-only] [--jvm 'LABEL|JAVA|OPTIONS' ...]
  --sessions N   parallel SMTP sessions of smtp-source (default 20)
  --size BYTES   message payload (smtp-source -l, default 2048)
  --count N      messages per measured run (default 5000)
  --mode M       conn: one message per connection (default); persist: one connection per session
  --rounds N     measured runs per server, alternating between servers (default 2)
  --warmup N     at most N messages per server before the measured rounds (default 50000): blocks of
                 COUNT until two blocks in a row cost the same CPU per message (within 10%); the
                 first block is reported as the cold start (replyd's JIT still compiling)
  --warmup-min N at least N messages per server in the warm-up before the CPU rule may stop it (default 0):
                 the CPU per message can settle while C2 is still compiling (about 20,000 messages here)
  --vs-postfix   also run a throwaway Postfix (loopback, virtual delivery into a Maildir) and print ratios
  --no-pipeline  skip the full-pipeline runs (replyd with the processor, posting to two main apps: the Java
                 AcceptingReceiver, keep-alive; and Python's http.server, HTTP/1.0, closing each connection)
  --no-latency   skip the latency probes (end of DATA -> 250 at half the measured maximum rate; with the
                 pipeline, also the sender's 250 -> the main app has the POST, at half the pipeline rate)
  --sender-checks  also a full-pipeline run (Java main app) with SPF/DKIM/DMARC checks on, against a loopback
                 DNS server (dev.replyd.bench.SlowDnsServer) that answers after 20 ms, with SPF and DMARC
                 records for the sender domain
  --cold-only    only each server's first COUNT messages after its start (no warm-up, rounds or latency),
                 with the CPU per message of each thread group of the pipeline JVMs and each replyd's start-to-ready time
  --jvm 'LABEL|JAVA|OPTIONS'  also a full-pipeline instance (Java main app) run by the java binary JAVA (empty:
                 the default) with the JVM options OPTIONS (empty: the launcher's default), e.g.
                 --jvm 'c1|/usr/lib/jvm/java-17-openjdk-amd64/bin/java|-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1'
                 (repeatable; each is measured like the others and compared with the same run's Postfix)
  --set 'K = V'  extra replyd setting inside replyd { }, e.g. --set 'smtp.io-threads = 8' (repeatable)
Environment: REPLYD_JAVA_OPTS (replyd's JVM options), JAVA (replyd's java binary), BENCH_KEEP=1 (keep the
work directory), BENCH_NO_BUILD=1 (use the built jars, so the measurement can hold the build lock:
BENCH_NO_BUILD=1 flock /tmp/replyd-mvn.lock scripts/bench smtp ...).
EOF
  exit 2
}

SESSIONS=20 SIZE=2048 COUNT=5000 MODE=conn ROUNDS=2 VS_POSTFIX=0 PIPELINE=1 LATENCY=1 EXTRA_CONF= WARMUP=50000 WARMUP_MIN=0 CHECKS=0
COLD_ONLY=0 JVMS=()

smtp_parse() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --sessions) SESSIONS=${2:?}; shift 2 ;;
      --size) SIZE=${2:?}; shift 2 ;;
      --count) COUNT=${2:?}; shift 2 ;;
      --mode) MODE=${2:?}; shift 2 ;;
      --rounds) ROUNDS=${2:?}; shift 2 ;;
      --warmup) WARMUP=${2:?}; shift 2 ;;
      --warmup-min) WARMUP_MIN=${2:?}; shift 2 ;;
      --vs-postfix) VS_POSTFIX=1; shift ;;
      --no-pipeline) PIPELINE=0; shift ;;
      --no-latency) LATENCY=0; shift ;;
      --sender-checks) CHECKS=1; shift ;;
      --cold-only) COLD_ONLY=1 LATENCY=0; shift ;;
      --jvm) JVMS+=("${2:?}"); shift 2 ;;
      --set) EXTRA_CONF+="${2:?}"$'\n'; shift 2 ;;
      -h|--help) smtp_usage ;;
      *) echo "scripts/bench smtp: unknown option '$1'" >&2; smtp_usage ;;
    esac
  done
  case "$MODE" in conn|persist) ;; *) echo "scripts/bench smtp: --mode $MODE (expected: conn or persist)" >&2; exit 2 ;; esac
  [[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "scripts/bench smtp: --warmup '$WARMUP' is not a number" >&2; exit 2; }
  [[ "$WARMUP_MIN" =~ ^[0-9]+$ ]] || { echo "scripts/bench smtp: --warmup-min '$WARMUP_MIN' is not a number" >&2; exit 2; }
  local n
  for n in "$SESSIONS" "$SIZE" "$COUNT" "$ROUNDS"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "scripts/bench smtp: '$n' is not a positive number" >&2; exit 2; }
  done
}

# Sends COUNT messages with smtp-source to PORT; returns when smtp-source has exited. Its own CPU
# (user + system seconds, GNU time) goes to $WORK/smtp-source.cpu: the load generator shares the cores.
smtp_load() { # PORT RCPT COUNT
  local persist=
  [ "$MODE" = persist ] && persist=-d
  [ -x /usr/bin/time ] || apt_install time
  if ! /usr/bin/time -f '%U %S' -o "$WORK/smtp-source.cpu" smtp-source -s "$SESSIONS" -m "$3" -l "$SIZE" $persist \
      -M client.bench.test -f bench@client.bench.test -t "$2" "127.0.0.1:$1" >"$WORK/smtp-source.log" 2>&1; then
    echo "scripts/bench: smtp-source against port $1 failed:" >&2
    tail -n 5 "$WORK/smtp-source.log" >&2
    return 1
  fi
}

# Waits until DIR(s) hold N files in total; prints the time reached (us) and the largest count
# seen in WATCH (0 without WATCH).
wait_files() { # N TIMEOUT_S WATCH DIR...
  local n=$1 timeout=$2 watch=$3; shift 3
  local deadline=$(( $(date +%s) + timeout )) total d c max=0
  while :; do
    total=0
    for d in "$@"; do total=$((total + $(count_files "$d"))); done
    if [ -n "$watch" ]; then
      c=$(count_files "$watch"); [ "$c" -gt "$max" ] && max=$c
    fi
    [ "$total" -ge "$n" ] && { echo "$(now_us) $max"; return 0; }
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "scripts/bench: only $total of $n messages reached $* within $timeout s" >&2
      return 1
    fi
    sleep 0.02
  done
}

rate() { awk -v n="$1" -v us="$2" 'BEGIN { printf "%.0f", n / (us / 1e6) }'; }
ms_per_msg() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { printf "%.2f", t * 1000 / hz / n }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
  END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        if (m == int(m)) print int(m); else if (m >= 100) printf "%.1f\n", m; else printf "%.2f\n", m }'; }

# Median of the per-round ratios A[i]/B[i], then the ratios themselves: "2.23 (1.68 2.23 ...)".
paired() { # "A1 A2 ..." "B1 B2 ..."
  local ratios
  ratios=$(awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
    for (i = 1; i <= n; i++) printf "%.2f ", x[i] / y[i] }')
  echo "$(median $ratios) (${ratios% })"
}

# The full-pipeline instance KIND posts to: sets Q_PID Q_PORT Q_RCPT Q_NEW Q_SUCCESS Q_FAILURE Q_METRICS.
kind_label() { # KIND [JVM_DETAIL]: the row label of a measured server in the report tables
  case "$1" in
    replyd-paused) echo "replyd, processor paused" ;;
    replyd-pipeline) echo "replyd, full pipeline, Java main app" ;;
    replyd-pipeline-py) echo "replyd, full pipeline, Python main app" ;;
    replyd-pipeline-checks) echo "replyd, full pipeline, sender checks on" ;;
    postfix) echo "Postfix" ;;
    jvm:*) echo "replyd, full pipeline, Java main app, ${1#jvm:}${2:+ ($2)}" ;;
  esac
}
pipeline_of() { # replyd-pipeline|replyd-pipeline-py|replyd-pipeline-checks
  case "$1" in
    replyd-pipeline) Q_PID=$RQ_PID Q_PORT=$RQ_PORT Q_RCPT=$RQ_RCPT Q_ROOT=$RQ_ROOT Q_METRICS=$RQ_METRICS ;;
    replyd-pipeline-py) Q_PID=$RY_PID Q_PORT=$RY_PORT Q_RCPT=$RY_RCPT Q_ROOT=$RY_ROOT Q_METRICS=$RY_METRICS ;;
    replyd-pipeline-checks) Q_PID=$RC_PID Q_PORT=$RC_PORT Q_RCPT=$RC_RCPT Q_ROOT=$RC_ROOT Q_METRICS=$RC_METRICS ;;
    jvm:*) Q_PID=${V_PID[$1]} Q_PORT=${V_PORT[$1]} Q_RCPT=${V_RCPT[$1]} Q_ROOT=${V_ROOT[$1]} Q_METRICS=${V_METRICS[$1]} ;;
  esac
  Q_NEW="$Q_ROOT/data/mail/reply/new" Q_SUCCESS="$Q_ROOT/data/incoming-mail/success"
  Q_FAILURE="$Q_ROOT/data/incoming-mail/failure"
}

# Callback outcomes of a pipeline instance so far: "<deferrals> <stale-connection retries>".
callback_counts() { # METRICS_PORT
  echo "$(metric_value "$1" 'replyd_processed_total{outcome="deferred",reason="none"}')" \
    "$(metric_value "$1" 'replyd_callback_requests_total{status_class="stale_connection"}')"
}

# The main app a pipeline instance posts to: its process id (the Java receiver, or Python's http.server).
main_app_pid() { # KIND
  case "$1" in
    replyd-pipeline-py) echo "$PY_RECEIVER_PID" ;;
    *) echo "${RECEIVER_PID%% *}" ;;
  esac
}

# One measured run against one server. Sets ACC DUR PIPE CPU BACKLOG DONE DEFER STALE THREADS APP_CPU (empty
# when not applicable); DONE is the time from the first connection to the last message filed (retries included);
# THREADS the CPU per message of each thread group of a pipeline JVM; APP_CPU the main app's CPU per message
# and LOAD_CPU smtp-source's (they share the cores with the server measured, so they bound its rate too).
measure() { # replyd-paused|replyd-pipeline|replyd-pipeline-py|replyd-pipeline-checks|jvm:LABEL|postfix COUNT
  local kind=$1 n=$2 t0 tacc tdur tpipe ticks s0 s1
  ACC='' DUR='' PIPE='' CPU='' BACKLOG='' DONE='' DEFER='' STALE='' THREADS='' APP_CPU='' LOAD_CPU=''
  case "$kind" in
    replyd-paused)
      clear_dir "$RP_NEW"
      s0=$(proc_ticks "$RP_PID"); t0=$(now_us)
      smtp_load "$RP_PORT" "$RP_RCPT" "$n"; tacc=$(now_us)
      tdur=$(wait_files "$n" 120 "" "$RP_NEW"); tdur=${tdur% *}
      s1=$(proc_ticks "$RP_PID"); ticks=$((s1 - s0))
      clear_dir "$RP_NEW" ;;
    replyd-pipeline|replyd-pipeline-py|replyd-pipeline-checks|jvm:*)
      pipeline_of "$kind"
      clear_dir "$Q_SUCCESS"; clear_dir "$Q_FAILURE"
      local before; before=$(callback_counts "$Q_METRICS")
      thread_snapshot "$Q_PID" >"$WORK/threads.0"
      local app a0; app=$(main_app_pid "$kind"); a0=$(proc_ticks "$app" 2>/dev/null || echo 0)
      s0=$(proc_ticks "$Q_PID"); t0=$(now_us)
      # The backlog is sampled while the load runs too, not only while it drains afterwards.
      ( max=0; while :; do c=$(count_files "$Q_NEW"); [ "$c" -gt "$max" ] && max=$c && echo "$max" >"$WORK/backlog.max"
          sleep 0.05; done ) &
      local sampler=$!
      echo 0 >"$WORK/backlog.max"
      smtp_load "$Q_PORT" "$Q_RCPT" "$n"; tacc=$(now_us)
      tpipe=$(wait_files "$n" 600 "$Q_NEW" "$Q_SUCCESS" "$Q_FAILURE"); BACKLOG=${tpipe#* } tpipe=${tpipe% *}
      kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
      local during; during=$(cat "$WORK/backlog.max" 2>/dev/null || echo 0)
      [ "$during" -gt "$BACKLOG" ] && BACKLOG=$during
      s1=$(proc_ticks "$Q_PID"); ticks=$((s1 - s0))
      if kill -0 "$app" 2>/dev/null; then
        APP_CPU=$(ms_per_msg $(( $(proc_ticks "$app") - a0 )) "$n")
      else
        echo "scripts/bench: the main app of $kind (pid $app) is not running; see $WORK/*.log" >&2
      fi
      thread_snapshot "$Q_PID" >"$WORK/threads.1"
      THREADS=$(thread_delta "$WORK/threads.0" "$WORK/threads.1" "$n")
      local failed; failed=$(count_files "$Q_FAILURE")
      [ "$failed" -eq 0 ] || echo "scripts/bench: warning: $failed of $n messages were filed under failure (see $Q_FAILURE)" >&2
      PIPE=$(rate "$n" $((tpipe - t0)))
      DONE=$(awk -v us=$((tpipe - t0)) 'BEGIN { printf "%.2f", us / 1e6 }')
      local after; after=$(callback_counts "$Q_METRICS")
      DEFER=$(( ${after% *} - ${before% *} )) STALE=$(( ${after#* } - ${before#* } ))
      clear_dir "$Q_SUCCESS"; clear_dir "$Q_FAILURE" ;;
    postfix)
      clear_dir "$P_NEW"
      pfx_snapshot "$P_MASTER" >"$WORK/pfx.0"; t0=$(now_us)
      smtp_load "$P_PORT" "$P_RCPT" "$n"; tacc=$(now_us)
      tdur=$(wait_files "$n" 300 "" "$P_NEW"); tdur=${tdur% *}
      pfx_snapshot "$P_MASTER" >"$WORK/pfx.1"; ticks=$(pfx_delta "$WORK/pfx.0" "$WORK/pfx.1")
      clear_dir "$P_NEW" ;;
  esac
  ACC=$(rate "$n" $((tacc - t0)))
  LOAD_CPU=$(awk -v n="$n" '{ printf "%.2f", ($1 + $2) * 1000 / n }' "$WORK/smtp-source.cpu")
  [ -n "${tdur:-}" ] && DUR=$(rate "$n" $((tdur - t0)))
  CPU=$(ms_per_msg "$ticks" "$n")
}

# Latency probe at a fixed offered rate; prints "p50 p99 achieved".
probe() { # PORT RCPT RATE
  local out
  out=$( (bench_java dev.replyd.bench.LatencyProbe "127.0.0.1:$1" "$2" "$3" "$COUNT" "$SESSIONS" "$SIZE" "$MODE") ) || {
    echo "scripts/bench: latency probe against port $1 failed: $out" >&2; return 1; }
  echo "  probe 127.0.0.1:$1: $out" >&2
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
       END { sub(/ms$/, "", v["p50"]); sub(/ms$/, "", v["p99"]); sub(/\/s$/, "", v["achieved"]); print v["p50"], v["p99"], v["achieved"] }' <<<"$out"
}

# End-to-end latency through a pipeline instance at a fixed offered rate: from the sender's 250 (the probe's
# wall clock) to the main app receiving the POST (the receiver's wall clock, same machine), the first POST
# of each message. Prints "p50 p99 matched deferrals achieved".
e2e_probe() { # KIND RATE POSTS_FILE
  local kind=$1 offered=$2 posts=$3 out accepted="$WORK/accepted.$1" before after
  pipeline_of "$kind"
  clear_dir "$Q_SUCCESS"; clear_dir "$Q_FAILURE"
  before=$(callback_counts "$Q_METRICS")
  out=$( (bench_java dev.replyd.bench.LatencyProbe "127.0.0.1:$Q_PORT" "$Q_RCPT" "$offered" "$COUNT" "$SESSIONS" "$SIZE" \
    "$MODE" "$accepted") ) || { echo "scripts/bench: end-to-end probe against $kind failed: $out" >&2; return 1; }
  wait_files "$COUNT" 600 "" "$Q_SUCCESS" "$Q_FAILURE" >/dev/null || true
  after=$(callback_counts "$Q_METRICS")
  echo "  e2e probe $kind: $out" >&2
  local achieved; achieved=$(sed -n 's/.*achieved=\([0-9.]*\).*/\1/p' <<<"$out")
  # First receipt per Message-ID; nearest-rank percentiles in ms.
  awk 'NR == FNR { sent[$2] = $1; next }
       ($3 in sent) && !($3 in seen) { seen[$3] = 1; print ($1 - sent[$3]) * 1000 }' "$accepted" "$posts" | sort -g |
    awk -v d=$(( ${after% *} - ${before% *} )) -v a="$achieved" '{ v[NR] = $1 }
      END { if (NR == 0) { print "- - 0", d, a; exit }
            i50 = int(0.50 * NR); if (i50 < 0.50 * NR) i50++; i99 = int(0.99 * NR); if (i99 < 0.99 * NR) i99++
            printf "%.1f %.1f %d %d %s\n", v[i50], v[i99], NR, d, a }'
  clear_dir "$Q_SUCCESS"; clear_dir "$Q_FAILURE"
}

# Waits (at most 30 s) until the replyd JVMs are idle: the JIT compiles and the processor drains
# after a run, and that CPU must not be charged to whichever server is measured next.
settle() {
  local pids=("${REPLYD_PIDS[@]}") before after _
  for _ in $(seq 30); do
    before=0; for p in "${pids[@]}"; do before=$((before + $(proc_ticks "$p" 2>/dev/null || echo 0))); done
    sleep 1
    after=0; for p in "${pids[@]}"; do after=$((after + $(proc_ticks "$p" 2>/dev/null || echo 0))); done
    [ $((after - before)) -le 3 ] && return 0
  done
}

bench_smtp() {
  smtp_parse "$@"
  command -v smtp-source >/dev/null 2>&1 || apt_install postfix
  bench_build
  bench_setup
  echo "scripts/bench smtp: $SESSIONS sessions, $SIZE bytes, $COUNT messages per run, mode $MODE, $ROUNDS round(s); load average $(load_avg)" >&2

  declare -gA V_PID V_PORT V_RCPT V_ROOT V_METRICS V_READY V_LABEL
  JVM_KINDS=()
  declare -A ready
  replyd_start replyd-paused false "$EXTRA_CONF"
  ready[replyd-paused]=$R_READY
  RP_PID=$R_PID RP_PORT=$R_PORT RP_RCPT=$R_RCPT RP_NEW="$R_ROOT/data/mail/reply/new"
  if [ "$PIPELINE" = 1 ]; then
    receiver_start
    settle
    replyd_start replyd-pipeline true "$EXTRA_CONF"
    ready[replyd-pipeline]=$R_READY
    RQ_PID=$R_PID RQ_PORT=$R_PORT RQ_RCPT=$R_RCPT RQ_ROOT=$R_ROOT RQ_METRICS=$R_METRICS
    py_receiver_start
    settle
    RECEIVER_PORT=$PY_RECEIVER_PORT replyd_start replyd-pipeline-py true "$EXTRA_CONF"
    ready[replyd-pipeline-py]=$R_READY
    RY_PID=$R_PID RY_PORT=$R_PORT RY_RCPT=$R_RCPT RY_ROOT=$R_ROOT RY_METRICS=$R_METRICS
    if [ "$CHECKS" = 1 ]; then
      local dns_port; dns_port=$(free_port)
      (bench_java dev.replyd.bench.SlowDnsServer "$dns_port" 20 client.bench.test) >"$WORK/dns.log" 2>&1 &
      RECEIVER_PID="$RECEIVER_PID $!"
      sleep 1
      replyd_start replyd-pipeline-checks true "$EXTRA_CONF
  processor.sender-checks { enabled = true, dns-servers = [\"127.0.0.1:$dns_port\"] }"
      RC_PID=$R_PID RC_PORT=$R_PORT RC_RCPT=$R_RCPT RC_ROOT=$R_ROOT RC_METRICS=$R_METRICS
    fi
    local v label jbin jopts
    for v in "${JVMS[@]}"; do
      IFS='|' read -r label jbin jopts <<<"$v"
      settle
      JAVA=$jbin REPLYD_JAVA_OPTS=$jopts replyd_start "jvm-$label" true "$EXTRA_CONF"
      V_PID[jvm:$label]=$R_PID V_PORT[jvm:$label]=$R_PORT V_RCPT[jvm:$label]=$R_RCPT V_ROOT[jvm:$label]=$R_ROOT
      V_METRICS[jvm:$label]=$R_METRICS V_READY[jvm:$label]=$R_READY V_LABEL[jvm:$label]="java ${jbin:-(default)}, options ${jopts:-(launcher default)}"
      JVM_KINDS+=("jvm:$label")
    done
  fi
  if [ "$VS_POSTFIX" = 1 ]; then
    postfix_start postfix
    P_MASTER=$(pfx_master_pid "$P_DIR")
  fi

  local r kinds=(replyd-paused) k
  [ "$VS_POSTFIX" = 1 ] && kinds+=(postfix)
  [ "$PIPELINE" = 1 ] && kinds+=(replyd-pipeline replyd-pipeline-py)
  [ "$PIPELINE" = 1 ] && [ "$CHECKS" = 1 ] && kinds+=(replyd-pipeline-checks)
  [ "$PIPELINE" = 1 ] && kinds+=("${JVM_KINDS[@]}")
  declare -A acc dur pipe cpu backlog loads cold done_s defer stale threads appcpu loadcpu
  # Cold start: the first COUNT messages after start, while the JIT compiles the hot paths.
  for k in "${kinds[@]}"; do
    settle
    local load; load=$(load_avg)
    measure "$k" "$COUNT"
    printf '  cold    %-18s accepted %6s/s  durable %6s/s  pipeline %6s/s (all filed after %5s s, %s deferred, %s stale)  cpu %5s ms/msg (main app %s, smtp-source %s)  max backlog %5s  load %s\n' \
      "$k" "$ACC" "${DUR:--}" "${PIPE:--}" "${DONE:--}" "${DEFER:--}" "${STALE:--}" "$CPU" "${APP_CPU:--}" "$LOAD_CPU" "${BACKLOG:--}" "$load" >&2
    [ -n "$THREADS" ] && echo "          $k threads (ms/msg): $THREADS" >&2
    cold[$k]="$ACC|${DUR:--}|${PIPE:--}|$CPU|${BACKLOG:--}|${load%% *}|${DEFER:--}"
    threads[$k]=$THREADS
  done
  if [ "$COLD_ONLY" = 1 ]; then
    cold_report "${kinds[@]}"
    return 0
  fi
  declare -A warmed
  for k in "${kinds[@]}"; do
    local prev=${cold[$k]} sent=$COUNT
    prev=$(cut -d'|' -f4 <<<"$prev")
    while [ $((sent + COUNT)) -le "$WARMUP" ]; do
      settle
      measure "$k" "$COUNT"; sent=$((sent + COUNT))
      printf '  warm-up %-16s %6s messages  cpu %5s ms/msg\n' "$k" "$sent" "$CPU" >&2
      if [ "$sent" -ge "$WARMUP_MIN" ] && awk -v a="$CPU" -v b="$prev" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.1 * b) }'; then
        break
      fi
      prev=$CPU
    done
    warmed[$k]=$sent
  done

  for r in $(seq "$ROUNDS"); do
    for k in "${kinds[@]}"; do
      settle
      local load; load=$(load_avg)
      measure "$k" "$COUNT"
      printf '  round %d %-18s accepted %6s/s  durable %6s/s  pipeline %6s/s (all filed after %5s s, %s deferred, %s stale)  cpu %5s ms/msg (main app %s, smtp-source %s)  max backlog %5s  load %s\n' \
        "$r" "$k" "$ACC" "${DUR:--}" "${PIPE:--}" "${DONE:--}" "${DEFER:--}" "${STALE:--}" "$CPU" "${APP_CPU:--}" "$LOAD_CPU" "${BACKLOG:--}" "$load" >&2
      [ -n "$THREADS" ] && echo "          $k threads (ms/msg): $THREADS" >&2
      acc[$k]+="$ACC " cpu[$k]+="$CPU " loads[$k]+="${load%% *} "
      [ -n "$DUR" ] && dur[$k]+="$DUR "
      [ -n "$PIPE" ] && pipe[$k]+="$PIPE " backlog[$k]+="$BACKLOG " done_s[$k]+="$DONE " defer[$k]+="$DEFER " stale[$k]+="$STALE " appcpu[$k]+="$APP_CPU "
      loadcpu[$k]+="$LOAD_CPU "
    done
  done

  local lat_r='' lat_p=''
  if [ "$LATENCY" = 1 ]; then
    local half
    half=$(( $(median ${acc[replyd-paused]} | cut -d. -f1) / 2 ))
    lat_r=$(probe "$RP_PORT" "$RP_RCPT" "$half"); lat_r="$lat_r $half"
    clear_dir "$RP_NEW"
    if [ "$VS_POSTFIX" = 1 ]; then
      half=$(( $(median ${acc[postfix]} | cut -d. -f1) / 2 ))
      lat_p=$(probe "$P_PORT" "$P_RCPT" "$half"); lat_p="$lat_p $half"
      wait_files "$COUNT" 300 "" "$P_NEW" >/dev/null || true
      clear_dir "$P_NEW"
    fi
  fi
  local e2e_j='' e2e_y=''
  if [ "$LATENCY" = 1 ] && [ "$PIPELINE" = 1 ]; then
    settle
    e2e_j="$(e2e_probe replyd-pipeline $(( $(median ${pipe[replyd-pipeline]} | cut -d. -f1) / 2 )) "$RECEIVER_POSTS") $(( $(median ${pipe[replyd-pipeline]} | cut -d. -f1) / 2 ))"
    settle
    e2e_y="$(e2e_probe replyd-pipeline-py $(( $(median ${pipe[replyd-pipeline-py]} | cut -d. -f1) / 2 )) "$PY_RECEIVER_POSTS") $(( $(median ${pipe[replyd-pipeline-py]} | cut -d. -f1) / 2 ))"
  fi

  local rss_r rss_q='' rss_p=''
  rss_r=$(proc_status_kb "$RP_PID" VmHWM)
  local rss_y=''
  [ "$PIPELINE" = 1 ] && rss_q=$(proc_status_kb "$RQ_PID" VmHWM) && rss_y=$(proc_status_kb "$RY_PID" VmHWM)
  [ "$VS_POSTFIX" = 1 ] && rss_p=$(pfx_status_kb "$P_DIR" VmHWM)

  local persist_text="one message per connection"
  [ "$MODE" = persist ] && persist_text="messages back to back on $SESSIONS connections"
  echo
  echo "## smtp: $SESSIONS sessions, $SIZE-byte messages, $COUNT per run, $persist_text"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, median of $ROUNDS run(s) after warming up (messages per server until the CPU per message was steady: $(for k in "${kinds[@]}"; do printf '%s %s; ' "$k" "${warmed[$k]}"; done | sed 's/; $//')); load average (1 min) at the start of each run in the last column."
  [ -n "$EXTRA_CONF" ] && echo && echo "replyd settings added: $(tr '\n' ';' <<<"${EXTRA_CONF%$'\n'}")"
  echo
  echo "| server | accepted msg/s | durable msg/s | pipeline msg/s | CPU ms/msg | peak RSS MiB | max backlog in new/ | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  row() { # KIND LABEL RSS_KB
    local d=- p=- b=-
    [ -n "${dur[$1]:-}" ] && d=$(median ${dur[$1]})
    [ -n "${pipe[$1]:-}" ] && p=$(median ${pipe[$1]}) && b=$(median ${backlog[$1]})
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(median ${acc[$1]})" "$d" "$p" "$(median ${cpu[$1]})" \
      "$(( ${3:-0} / 1024 ))" "$b" "${loads[$1]% }"
  }
  row replyd-paused "replyd, processor paused" "$rss_r"
  [ "$PIPELINE" = 1 ] && row replyd-pipeline "replyd, full pipeline, Java keep-alive main app" "$rss_q"
  [ "$PIPELINE" = 1 ] && row replyd-pipeline-py "replyd, full pipeline, Python HTTP/1.0 main app" "$rss_y"
  [ "$PIPELINE" = 1 ] && [ "$CHECKS" = 1 ] && row replyd-pipeline-checks "replyd, full pipeline, Java main app, sender checks on (DNS 20 ms)" "$(proc_status_kb "$RC_PID" VmHWM)"
  for k in "${JVM_KINDS[@]}"; do row "$k" "replyd, full pipeline, Java main app, ${k#jvm:}" "$(proc_status_kb "${V_PID[$k]}" VmHWM)"; done
  [ "$VS_POSTFIX" = 1 ] && row postfix "Postfix $(postconf -h mail_version 2>/dev/null) (smtpd, cleanup, qmgr, virtual)" "$rss_p"
  echo
  echo "Cold start (the first $COUNT messages after each server started; replyd's JIT still compiling):"
  echo
  echo "| server | accepted msg/s | durable msg/s | pipeline msg/s | CPU ms/msg | max backlog in new/ | deferrals | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  local label
  for k in "${kinds[@]}"; do
    label=$(kind_label "$k")
    IFS='|' read -r a d p c b l f <<<"${cold[$k]}"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$a" "$d" "$p" "$c" "$b" "$f" "$l"
  done
  if [ -n "$lat_r" ]; then
    echo
    echo "| acceptance latency (end of DATA to 250) | offered msg/s | achieved msg/s | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|---:|"
    read -r p50 p99 ach half <<<"$lat_r"; echo "| replyd, processor paused | $half | $ach | $p50 | $p99 |"
    if [ -n "$lat_p" ]; then read -r p50 p99 ach half <<<"$lat_p"; echo "| Postfix | $half | $ach | $p50 | $p99 |"; fi
  fi
  if [ "$PIPELINE" = 1 ]; then
    echo
    echo "Full pipeline per run (time from the first connection until the last message is in incoming-mail/success,"
    echo "retries included; deferrals must be 0 with a healthy main app; stale = posts sent again at once after the"
    echo "main app had closed the connection; the main app's own CPU per message shares the cores with replyd):"
    echo
    echo "| main app | all filed after s (each run) | deferrals (each run) | stale-connection retries (each run) | main app CPU ms/msg (each run) |"
    echo "|---|---|---|---|---|"
    echo "| Java AcceptingReceiver, keep-alive | ${done_s[replyd-pipeline]% } | ${defer[replyd-pipeline]% } | ${stale[replyd-pipeline]% } | ${appcpu[replyd-pipeline]% } |"
    echo "| Python http.server, HTTP/1.0, close after each response | ${done_s[replyd-pipeline-py]% } | ${defer[replyd-pipeline-py]% } | ${stale[replyd-pipeline-py]% } | ${appcpu[replyd-pipeline-py]% } |"
    if [ "$CHECKS" = 1 ]; then
      echo "| Java AcceptingReceiver, sender checks on (DNS answers after 20 ms) | ${done_s[replyd-pipeline-checks]% } | ${defer[replyd-pipeline-checks]% } | ${stale[replyd-pipeline-checks]% } | ${appcpu[replyd-pipeline-checks]% } |"
      echo
      echo "| ratio | ratio of the medians | median of the per-round ratios (each round's values) | target |"
      echo "|---|---:|---|---|"
      echo "| pipeline with sender checks on / off (Java main app) | $(awk -v a="$(median ${pipe[replyd-pipeline-checks]})" -v b="$(median ${pipe[replyd-pipeline]})" 'BEGIN { printf "%.2f", a / b }') | $(paired "${pipe[replyd-pipeline-checks]}" "${pipe[replyd-pipeline]}") | >= 0.8 |"
    fi
    echo
    echo "Where the two cores went (medians of the rounds; cores busy = the three CPU figures x the pipeline rate;"
    echo "near $(nproc), the pipeline is bound by CPU, whoever spends it):"
    echo
    echo "| run | msg/s (pipeline; Postfix: into Maildir/new) | server CPU ms/msg (replyd; Postfix) | main app CPU ms/msg | smtp-source CPU ms/msg | cores busy |"
    echo "|---|---:|---:|---:|---:|---:|"
    budget() { # KIND LABEL
      local p c a l
      p=$(median ${pipe[$1]}) c=$(median ${cpu[$1]}) a=$(median ${appcpu[$1]}) l=$(median ${loadcpu[$1]})
      echo "| $2 | $p | $c | $a | $l | $(awk -v p="$p" -v c="$c" -v a="$a" -v l="$l" 'BEGIN { printf "%.2f", p * (c + a + l) / 1000 }') |"
    }
    budget replyd-pipeline "replyd, Java AcceptingReceiver, keep-alive"
    budget replyd-pipeline-py "replyd, Python http.server, HTTP/1.0"
    if [ "$VS_POSTFIX" = 1 ]; then
      local pr pc pl
      pr=$(median ${dur[postfix]}) pc=$(median ${cpu[postfix]}) pl=$(median ${loadcpu[postfix]})
      echo "| Postfix | $pr | $pc | - | $pl | $(awk -v p="$pr" -v c="$pc" -v l="$pl" 'BEGIN { printf "%.2f", p * (c + l) / 1000 }') |"
    fi
  fi
  if [ -n "$e2e_j" ]; then
    echo
    echo "| end-to-end latency (sender's 250 to the main app's receipt of the POST) | offered msg/s | achieved msg/s | posts matched | deferrals | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    read -r p50 p99 matched d ach half <<<"$e2e_j"; echo "| Java AcceptingReceiver | $half | $ach | $matched / $COUNT | $d | $p50 | $p99 |"
    read -r p50 p99 matched d ach half <<<"$e2e_y"; echo "| Python http.server, HTTP/1.0 | $half | $ach | $matched / $COUNT | $d | $p50 | $p99 |"
  fi
  if [ "$VS_POSTFIX" = 1 ]; then
    local pd; pd=$(median ${dur[postfix]})
    echo
    # Each round's ratio pairs runs made a minute apart; on a machine whose speed drifts, their
    # median is steadier than the ratio of the two medians.
    echo "| ratio | ratio of the medians | median of the per-round ratios (each round's values) | target |"
    echo "|---|---:|---|---|"
    echo "| replyd durable / Postfix into Maildir/new | $(awk -v a="$(median ${dur[replyd-paused]})" -v b="$pd" 'BEGIN { printf "%.2f", a / b }') | $(paired "${dur[replyd-paused]}" "${dur[postfix]}") | >= 2 |"
    [ "$PIPELINE" = 1 ] && echo "| replyd full pipeline (Java main app) / Postfix into Maildir/new | $(awk -v a="$(median ${pipe[replyd-pipeline]})" -v b="$pd" 'BEGIN { printf "%.2f", a / b }') | $(paired "${pipe[replyd-pipeline]}" "${dur[postfix]}") | >= 1.5 |"
    [ "$PIPELINE" = 1 ] && echo "| replyd full pipeline (Python main app) / Postfix into Maildir/new | $(awk -v a="$(median ${pipe[replyd-pipeline-py]})" -v b="$pd" 'BEGIN { printf "%.2f", a / b }') | $(paired "${pipe[replyd-pipeline-py]}" "${dur[postfix]}") | >= 1.5 |"
    echo "| CPU per message, replyd paused / Postfix | $(awk -v a="$(median ${cpu[replyd-paused]})" -v b="$(median ${cpu[postfix]})" 'BEGIN { printf "%.2f", a / b }') | $(paired "${cpu[replyd-paused]}" "${cpu[postfix]}") | |"
  fi
  if [ "$PIPELINE" = 1 ]; then
    echo
    echo "receiver: $(cat "$RECEIVER_STATS" 2>/dev/null) (posts - distinct = repeated posts);" \
      "Python main app: posts=$(wc -l <"$PY_RECEIVER_POSTS") distinct=$(awk '{ print $2 }' "$PY_RECEIVER_POSTS" | sort -u | wc -l)"
  fi
}

# The report of --cold-only: each server's first COUNT messages, ratios to the same run's Postfix.
cold_report() { # KIND...
  local k label a d p c b l f pd=
  echo
  echo "## smtp cold start: the first $COUNT messages after each server started ($SESSIONS sessions, $SIZE bytes, mode $MODE)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; start to ready = from exec to the SMTP port accepting; load average (1 min) at the start of each run."
  [ -n "$EXTRA_CONF" ] && echo && echo "replyd settings added: $(tr '\n' ';' <<<"${EXTRA_CONF%$'\n'}")"
  [ "$VS_POSTFIX" = 1 ] && pd=$(cut -d'|' -f2 <<<"${cold[postfix]}")
  echo
  echo "| server | start to ready s | accepted msg/s | durable msg/s | pipeline msg/s | CPU ms/msg | x Postfix durable | max backlog in new/ | deferrals | load |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for k in "$@"; do
    label=$(kind_label "$k" "${V_LABEL[$k]:-}")
    IFS='|' read -r a d p c b l f <<<"${cold[$k]}"
    local x=- r=${ready[$k]:-${V_READY[$k]:--}}
    [ "$k" = postfix ] && r=-
    if [ -n "$pd" ]; then
      if [ "$p" != - ]; then x=$(awk -v a="$p" -v b="$pd" 'BEGIN { printf "%.2f", a / b }')
      elif [ "$d" != - ]; then x=$(awk -v a="$d" -v b="$pd" 'BEGIN { printf "%.2f", a / b }'); fi
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$r" "$a" "$d" "$p" "$c" "$x" "$b" "$f" "$l"
  done
  echo
  echo "CPU per message by thread group (ms/msg; threads named by the JVM or replyd, numbers dropped):"
  echo
  for k in "$@"; do
    [ -n "${threads[$k]:-}" ] && echo "* $k: ${threads[$k]}"
  done
  return 0
}
