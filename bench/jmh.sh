#!/usr/bin/env bash
# Builds the library and the JMH module, then runs the ID benchmarks (about 4 minutes).
# Extra arguments go to JMH, e.g.:
#   bench/jmh.sh -rf json -rff target/jmh.json     # also save results as JSON
#   bench/jmh.sh 'OneThread.snowflake.*' -f 3        # a subset, with more forks
#   bench/jmh.sh -h                                  # JMH's options
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "jmh: building jmh/target/benchmarks.jar..." >&2
(cd "$root" && mvn -B -q -pl jmh -am -DskipTests package) >&2
exec "$java" -jar "$root/jmh/target/benchmarks.jar" "$@"
