# scripts/bench memory: heap and RSS under a 100 MiB message and 1,000 idle connections, and
# start-up recovery and drain of a 10,000-file backlog. Sourced by scripts/bench after
# bench-lib.sh and bench-smtp.sh.
# shellcheck shell=bash

MEM_BIG=$((100 * 1024 * 1024)) MEM_IDLE=1000 MEM_BACKLOG=10000

memory_parse() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --idle) MEM_IDLE=${2:?}; shift 2 ;;
      --backlog) MEM_BACKLOG=${2:?}; shift 2 ;;
      -h|--help) echo "usage: scripts/bench memory [--idle N (1000)] [--backlog N (10000)]" >&2; exit 2 ;;
      *) echo "scripts/bench memory: unknown option '$1'" >&2; exit 2 ;;
    esac
  done
}

# Heap occupancy after the last GC logged so far, and the largest after any GC since line FROM
# of the GC log, in KiB: "LAST MAX COMMITTED_MAX". Lines look like
# "[1.2s][info][gc] GC(3) Pause Young (Allocation Failure) 30M->5M(61M) 2.3ms".
gc_after_kb() { # GCLOG FROM_LINE
  tail -n +"$2" "$1" | awk '
    function kb(v) { u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0
                     return u == "G" ? n * 1048576 : u == "M" ? n * 1024 : u == "K" ? n : n / 1024 }
    match($0, /[0-9.]+[KMG]?->[0-9.]+[KMG]?\([0-9.]+[KMG]?\)/) {
      s = substr($0, RSTART, RLENGTH); split(s, a, /->|\(|\)/)
      last = kb(a[2]); if (last > max) max = last; c = kb(a[3]); if (c > cmax) cmax = c }
    END { printf "%d %d %d\n", last, max, cmax }'
}

full_gc() { # PID GCLOG: forces a full GC and prints the heap after it (KiB)
  local lines; lines=$(wc -l <"$2")
  jcmd "$1" GC.run >/dev/null
  sleep 0.2
  gc_after_kb "$2" $((lines + 1)) | cut -d' ' -f1
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

bench_memory() {
  memory_parse "$@"
  command -v smtp-source >/dev/null 2>&1 || apt_install postfix
  command -v jcmd >/dev/null 2>&1 || { echo "scripts/bench memory: jcmd not found (expected: a full JDK, e.g. Debian openjdk-17-jdk-headless)" >&2; exit 1; }
  bench_build
  bench_setup
  local gclog="$WORK/gc.log"
  REPLYD_JAVA_OPTS="${REPLYD_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError} -Xlog:gc:file=$gclog"
  export REPLYD_JAVA_OPTS
  echo "scripts/bench memory: load average $(load_avg); replyd JVM options: $REPLYD_JAVA_OPTS" >&2

  # 1. One 100 MiB message (processor paused: the SMTP side and the Maildir only).
  replyd_start big false "smtp.max-message-size = 200MiB"
  local new="$R_ROOT/data/mail/reply/new" pid=$R_PID
  SESSIONS=1 SIZE=2048 MODE=conn
  smtp_load "$R_PORT" "$R_RCPT" 200 && clear_dir "$new"    # warm up the delivery path
  local base rss0 hwm0 lines
  base=$(full_gc "$pid" "$gclog"); rss0=$(proc_status_kb "$pid" VmRSS); hwm0=$(proc_status_kb "$pid" VmHWM)
  lines=$(wc -l <"$gclog")
  # jstat samples heap use (garbage included) every 100 ms: an upper bound on what the message holds.
  jstat -gc "$pid" 100 >"$WORK/jstat.txt" 2>/dev/null &
  local jstat_pid=$!
  HOG_PIDS+=("$jstat_pid")
  sleep 0.5
  local big_t0 big_t1; big_t0=$(now_us)
  SIZE=$MEM_BIG smtp_load "$R_PORT" "$R_RCPT" 1
  big_t1=$(now_us)
  sleep 0.3
  kill "$jstat_pid" 2>/dev/null || true
  local used0 used_max gcs
  read -r used0 used_max < <(awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      $1 ~ /^[0-9.]+$/ { u = $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]; if (n++ == 0) first = u; if (u > max) max = u }
      END { printf "%d %d\n", first, max }' "$WORK/jstat.txt")
  local during after stored rss1 hwm1
  during=$(gc_after_kb "$gclog" $((lines + 1)))
  gcs=$(tail -n +$((lines + 1)) "$gclog" | grep -c 'Pause' || true)
  after=$(full_gc "$pid" "$gclog"); rss1=$(proc_status_kb "$pid" VmRSS); hwm1=$(proc_status_kb "$pid" VmHWM)
  stored=$(find "$new" -type f -size +100M | wc -l)
  local big_load; big_load=$(load_avg)
  replyd_stop "$pid"

  # 2. Idle connections.
  : >"$gclog"
  replyd_start idle false
  pid=$R_PID
  local ibase irss0 ithreads0; ibase=$(full_gc "$pid" "$gclog"); irss0=$(proc_status_kb "$pid" VmRSS)
  ithreads0=$(proc_status_kb "$pid" Threads)
  mkfifo "$WORK/idle.in"
  (bench_java dev.replyd.bench.IdleConnections "127.0.0.1:$R_PORT" "$MEM_IDLE") <"$WORK/idle.in" >"$WORK/idle.out" 2>&1 &
  HOG_PIDS+=($!)
  exec 7>"$WORK/idle.in"
  for _ in $(seq 600); do grep -q '^open=' "$WORK/idle.out" && break; sleep 0.1; done
  local opened; opened=$(sed -n 's/^open=\([0-9]*\).*/\1/p' "$WORK/idle.out")
  sleep 2
  local iheap irss1 ihwm ithreads1 idle_load; iheap=$(full_gc "$pid" "$gclog"); irss1=$(proc_status_kb "$pid" VmRSS)
  ihwm=$(proc_status_kb "$pid" VmHWM); ithreads1=$(proc_status_kb "$pid" Threads); idle_load=$(load_avg)
  echo >&7; exec 7>&-
  replyd_stop "$pid"

  # 3. Backlog: MEM_BACKLOG messages stored with the processor paused, then a processing replyd started on them.
  receiver_start
  replyd_start backlog-fill false "" backlog
  SESSIONS=20
  smtp_load "$R_PORT" "$R_RCPT" "$MEM_BACKLOG"
  new="$R_ROOT/data/mail/reply/new"
  wait_files "$MEM_BACKLOG" 300 "" "$new" >/dev/null
  replyd_stop "$R_PID"
  local stored_backlog; stored_backlog=$(count_files "$new")
  local b_load; b_load=$(load_avg)
  t0=$(now_us)
  replyd_start backlog-drain true "" backlog
  local tport; tport=$(now_us)
  local done_at; done_at=$(wait_files "$stored_backlog" 900 "" "$R_ROOT/data/incoming-mail/success" "$R_ROOT/data/incoming-mail/failure")
  done_at=${done_at% *}
  local bhwm bfail; bhwm=$(proc_status_kb "$R_PID" VmHWM); bfail=$(count_files "$R_ROOT/data/incoming-mail/failure")
  sleep 1.2   # the receiver writes its counters every second
  local posts distinct inflight; posts=$(receiver_stat posts); distinct=$(receiver_stat distinct); inflight=$(receiver_stat max_in_flight)
  local alive=no; kill -0 "$R_PID" 2>/dev/null && alive=yes
  local pid_changes; pid_changes=$(grep -c 'Exception\|ERROR' "$R_LOG" || true)
  replyd_stop "$R_PID"

  echo
  echo "## memory ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
  echo
  echo "replyd JVM options: \`$REPLYD_JAVA_OPTS\` (the GC log is how heap after GC is read)."
  echo
  echo "| test | figure | value | target |"
  echo "|---|---|---:|---|"
  echo "| one $((MEM_BIG / 1048576)) MiB message (load $big_load) | stored in new/ | $stored file(s) in $(awk -v us=$((big_t1 - big_t0)) 'BEGIN { printf "%.1f", us / 1e6 }') s | 1 |"
  read -r _ dmax dcommit <<<"$during"
  echo "| | heap after full GC before / after | $(mib "$base") / $(mib "$after") MiB | |"
  echo "| | GCs during the transfer; largest heap after any of them, minus before | $gcs; $(mib $(( dmax > base ? dmax - base : 0 ))) MiB | < 16 MiB |"
  echo "| | heap in use (garbage included, jstat every 100 ms): at the start / largest | $(mib "$used0") / $(mib "$used_max") MiB | |"
  echo "| | heap committed, largest during the transfer | $(mib "$dcommit") MiB | |"
  echo "| | RSS before / after; peak RSS before / after | $(mib "$rss0") / $(mib "$rss1"); $(mib "$hwm0") / $(mib "$hwm1") MiB | |"
  echo "| $MEM_IDLE idle connections (EHLO, then silence; load $idle_load) | connections open | $opened | $MEM_IDLE |"
  echo "| | RSS before / with them open (peak) | $(mib "$irss0") / $(mib "$irss1") ($(mib "$ihwm")) MiB | < 256 MiB |"
  echo "| | heap after full GC before / with them open | $(mib "$ibase") / $(mib "$iheap") MiB | |"
  echo "| | threads before / with them open | $ithreads0 / $ithreads1 | |"
  echo "| $MEM_BACKLOG-file backlog (load $b_load) | files in new/ at start-up | $stored_backlog | |"
  echo "| | start-up to SMTP port open | $(awk -v us=$((tport - t0)) 'BEGIN { printf "%.2f", us / 1e6 }') s | |"
  echo "| | start-up to backlog drained (success + failure) | $(awk -v us=$((done_at - t0)) 'BEGIN { printf "%.1f", us / 1e6 }') s ($(rate "$stored_backlog" $((done_at - t0))) msg/s) | |"
  echo "| | filed under failure | $bfail | 0 |"
  echo "| | posts received / distinct deliveries / most in flight | $posts / $distinct / $inflight | posts = distinct |"
  echo "| | peak RSS while draining | $(mib "$bhwm") MiB | |"
  echo "| | same process still running after the drain; ERROR/exception lines in its log | $alive; $pid_changes | yes; 0 |"
}
