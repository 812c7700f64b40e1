# JVM flags shared by bin/idmint and bin/make-cds-archive (a CDS archive only maps into a JVM
# started with the flags it was made with).
# shellcheck shell=bash disable=SC2034
# JVM output that is not ours (warnings, CDS notices) must never reach stdout.
IDMINT_QUIET_FLAGS=(-XX:+DisplayVMOutputToStderr -Xlog:disable -Xlog:all=warning:stderr)
# The node: fast start (C1 only), small footprint; several nodes share one machine under Maelstrom.
# G1, not SerialGC: on JDK 17 only G1 maps the JDK's archived heap objects (the module graph) from
# CDS, which is most of what a bare JVM starts faster by (1.33x a hello-world with SerialGC, 1.06x
# with G1); it costs about 8 MiB of RSS (46 MiB peak over 1M requests) and no throughput.
IDMINT_NODE_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseG1GC -Xss512k -Xms8m -Xmx48m -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData)
# The HTTP service: full JIT for throughput. A small fixed heap with a young generation of 24 MiB:
# a request allocates some hundreds of bytes (Netty's request decoder), so at 100k requests/s a
# young collection comes every quarter second rather than ten times a second; each takes well under
# a millisecond (the live set is a few MiB), and fewer of them is fewer chances for one to be
# preempted on a busy machine, which is what stretched them to 8 ms. Direct memory is capped for
# Netty's buffers: half of it is the budget of answers waiting for their clients (503 past it),
# each connection holding at most 64 KiB of them plus one answer; the rest is for reads. Peak RSS
# stays under 128 MiB (bench/serve-bench measures it). Netty loads its native epoll library: newer
# JDKs warn about that unless native access is enabled. Netty's allocator events for Java Flight
# Recorder are off: the first allocation would set up JFR, which cost the first request over
# 100 ms (JFR itself still works when asked for).
IDMINT_SERVE_FLAGS=(-XX:+UseSerialGC -Xms48m -Xmx48m -Xmn24m -XX:MaxDirectMemorySize=48m -Xss512k -XX:ReservedCodeCacheSize=32m -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -Dio.netty.jfr.enabled=false)
# Everything else (test harness, inspect): full JIT.
IDMINT_TOOL_FLAGS=(-XX:+UseSerialGC -XX:-UsePerfData)

# The java that runs idmint: $JAVA_HOME's, else the first on PATH. Sets IDMINT_JAVA; hash and
# BASH_CMDS are builtins, so the launcher's common path still forks nothing.
idmint_java() {
  if [[ -n ${JAVA_HOME:-} ]]; then
    IDMINT_JAVA=$JAVA_HOME/bin/java
  else
    hash java 2>/dev/null || { IDMINT_JAVA=java; return; }
    IDMINT_JAVA=${BASH_CMDS[java]}
  fi
}
