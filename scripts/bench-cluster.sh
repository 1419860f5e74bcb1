# scripts/bench smtp --nodes N --via haproxy: the aggregate SMTP acceptance rate of N replyd nodes
# behind HAProxy (TCP mode, send-proxy-v2) beside one node's, under the same smtp-source load.
# Sourced by scripts/bench after bench-lib.sh and bench-smtp.sh (smtp_load, wait_files, rate, ...).
# shellcheck shell=bash

cluster_usage() {
  cat >&2 <<'EOF2'
usage: scripts/bench smtp --nodes N --via haproxy [--sessions N] [--size BYTES] [--count N] [--mode conn|persist] [--rounds N]
  Runs one replyd node, then N nodes behind HAProxy (all on this machine, processors off: the
  acceptance path only), and prints messages/s accepted and CPU per message for both. On one machine
  the nodes share its cores, so the aggregate does not scale; the CPU per message says what N
  machines would do.
EOF2
  exit 2
}

bench_cluster() {
  local nodes=2 via= args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes=${2:?}; shift 2 ;;
      --via) via=${2:?}; shift 2 ;;
      -h|--help) cluster_usage ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [[ "$nodes" =~ ^[1-9][0-9]*$ ]] || { echo "scripts/bench smtp: --nodes '$nodes' (expected: a number >= 1)" >&2; exit 2; }
  [ "$via" = haproxy ] || { echo "scripts/bench smtp: --via '$via' (expected: haproxy)" >&2; exit 2; }
  smtp_parse "${args[@]}" --no-latency --no-pipeline
  command -v smtp-source >/dev/null 2>&1 || apt_install postfix
  command -v haproxy >/dev/null 2>&1 || apt_install haproxy
  bench_build
  bench_setup
  echo "scripts/bench smtp: 1 node vs $nodes nodes via haproxy; $SESSIONS sessions, $SIZE bytes, $COUNT messages per run, mode $MODE, $ROUNDS round(s); $(nproc) cores, load average $(load_avg)" >&2

  # One node, as bench smtp runs it.
  replyd_start single false "$EXTRA_CONF"
  local single_pid=$R_PID single_port=$R_PORT single_new="$R_ROOT/data/mail/reply/new" rcpt=$R_RCPT
  # N nodes: one storage each, the PROXY protocol from HAProxy on loopback.
  local pids=() news=() servers= i
  for i in $(seq "$nodes"); do
    replyd_start "node$i" false "node-name = node$i
  smtp.proxy-protocol { enabled = true, trusted = [\"127.0.0.1/32\"] }
  $EXTRA_CONF"
    pids+=("$R_PID"); news+=("$R_ROOT/data/mail/reply/new")
    servers+="  server node$i 127.0.0.1:$R_PORT send-proxy-v2 check inter 2s"$'\n'
  done
  local hport; hport=$(free_port)
  cat >"$WORK/haproxy.cfg" <<EOF2
global
  maxconn 4000
defaults
  mode tcp
  timeout connect 5s
  timeout client 2m
  timeout server 2m
  retries 3
  option redispatch
frontend smtp
  bind 127.0.0.1:$hport
  default_backend replyd
backend replyd
  balance roundrobin
$servers
EOF2
  haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
  local hpid=$!
  REPLYD_PIDS+=("$hpid")
  wait_port "$hport" 30 haproxy || { cat "$WORK/haproxy.log" >&2; return 1; }

  local r single_rates=() cluster_rates=() single_cpu=() cluster_cpu=() proxy_cpu=()
  # One block each to warm the JITs; not reported.
  run_single "$COUNT" >/dev/null
  run_cluster "$COUNT" >/dev/null
  for r in $(seq "$ROUNDS"); do
    settle
    read -r a c <<<"$(run_single "$COUNT")"; single_rates+=("$a"); single_cpu+=("$c")
    settle
    read -r a c h <<<"$(run_cluster "$COUNT")"; cluster_rates+=("$a"); cluster_cpu+=("$c"); proxy_cpu+=("$h")
    printf '  round %d: 1 node %6s/s (cpu %s ms/msg)   %d nodes via haproxy %6s/s (nodes %s ms/msg, haproxy %s ms/msg)\n' \
      "$r" "${single_rates[-1]}" "${single_cpu[-1]}" "$nodes" "${cluster_rates[-1]}" "${cluster_cpu[-1]}" "${proxy_cpu[-1]}" >&2
  done
  local s c nc hc
  s=$(median "${single_rates[@]}"); c=$(median "${cluster_rates[@]}")
  nc=$(median "${cluster_cpu[@]}"); hc=$(median "${proxy_cpu[@]}")
  echo "durable messages/s, median of $ROUNDS: 1 node $s/s; $nodes nodes via haproxy $c/s (aggregate)"
  echo "cpu per message: 1 node $(median "${single_cpu[@]}") ms; $nodes nodes $nc ms (all nodes together) + haproxy $hc ms"
  awk -v nc="$nc" -v hc="$hc" -v n="$nodes" -v cores="$(nproc)" 'BEGIN {
    per = nc > 0 ? 1000 / nc : 0; lb = hc > 0 ? 1000 / hc : 0
    printf "on paper: one core per node sustains about %.0f messages/s (1000 / %s ms); %d nodes on their own machines about %.0f/s,", per, nc, n, n * per
    if (lb > 0) printf " until one haproxy core (%.0f/s at %s ms) limits;", lb, hc
    printf " here all %d share %d core(s), so the aggregate cannot exceed one machine.\n", n + 1, cores }'
}

# Prints "RATE CPU_MS_PER_MSG" for COUNT messages into the single node.
run_single() {
  local n=$1 t0 t1 s0 s1
  clear_dir "$single_new"
  s0=$(proc_ticks "$single_pid"); t0=$(now_us)
  smtp_load "$single_port" "$rcpt" "$n"
  t1=$(wait_files "$n" 300 "" "$single_new"); t1=${t1% *}
  s1=$(proc_ticks "$single_pid")
  clear_dir "$single_new"
  echo "$(rate "$n" $((t1 - t0))) $(ms_per_msg $((s1 - s0)) "$n")"
}

# Prints "RATE NODES_CPU_MS_PER_MSG HAPROXY_CPU_MS_PER_MSG" for COUNT messages through HAProxy.
run_cluster() {
  local n=$1 t0 t1 s0=0 s1=0 h0 h1 p d
  for d in "${news[@]}"; do clear_dir "$d"; done
  for p in "${pids[@]}"; do s0=$((s0 + $(proc_ticks "$p"))); done
  h0=$(proc_ticks "$hpid"); t0=$(now_us)
  smtp_load "$hport" "$rcpt" "$n"
  t1=$(wait_files "$n" 300 "" "${news[@]}"); t1=${t1% *}
  for p in "${pids[@]}"; do s1=$((s1 + $(proc_ticks "$p"))); done
  h1=$(proc_ticks "$hpid")
  for d in "${news[@]}"; do clear_dir "$d"; done
  echo "$(rate "$n" $((t1 - t0))) $(ms_per_msg $((s1 - s0)) "$n") $(ms_per_msg $((h1 - h0)) "$n")"
}
