# Sourced by bin/conveyor and bin/bench (after jdk.sh): the ahead-of-time cache that servers and agents start from on
# JDK 25 and newer (JEP 483, 514). It holds the classes a start loads and links, already parsed and linked: a start to
# healthy takes about half the time (issue 8's start target). One training start makes it after each build; a cache
# the JVM cannot use (another JDK, a rebuilt jar) is ignored silently, and it is made again on the next build.

conveyor_aot_cache() { # the cache's path for the current JDK
  echo "$ROOT/conveyor-cli/target/conveyor-server-jdk${CONVEYOR_JAVA_VERSION:-0}.aot"
}

conveyor_aot_supported() {
  [ "${CONVEYOR_JAVA_VERSION:-0}" -ge 25 ] && [ -z "${CONVEYOR_NO_AOT:-}" ]
}

# The options that start a JVM from the cache, or nothing when there is none newer than the jar.
conveyor_aot_options() {
  local cache
  cache=$(conveyor_aot_cache)
  if conveyor_aot_supported && [ -f "$cache" ] && [ "$cache" -nt "$ROOT/conveyor-cli/target/conveyor-cli.jar" ]; then
    echo "-XX:AOTCache=$cache -Xlog:aot=off -Xlog:cds=off"
  fi
}

conveyor_aot_request() { # one HTTP/1.1 request to 127.0.0.1:$1, the answer read and dropped (bash's /dev/tcp: no curl needed)
  { exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "$2" >&3 && cat <&3 >/dev/null; exec 3<&-; } 2>/dev/null || true
}

# Makes the cache when it is missing or older than the jar: one server start on an empty data directory, stopped once
# it is ready and has answered a few requests; the JVM writes the cache as it exits. A failure leaves no cache, never an
# error: starts are just slower.
conveyor_aot_train() {
  local cache jar dir pid port
  conveyor_aot_supported || return 0
  cache=$(conveyor_aot_cache)
  jar="$ROOT/conveyor-cli/target/conveyor-cli.jar"
  [ -f "$cache" ] && [ "$cache" -nt "$jar" ] && return 0
  echo "conveyor: preparing the start-up cache for this JDK (once per build)…" >&2
  dir=$(mktemp -d)
  "$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$dir/cache.aot" -jar "$jar" server --port 0 --data-dir "$dir/data" >"$dir/out" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q 'is ready' "$dir/out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  # A few requests before stopping, so that the cache also holds what answering takes (Jetty's request parsing, the
  # router, the JSON protocol): the first /healthz of a start loaded some 300 classes from the jars without them (issue 20).
  port=$(sed -n 's#.*is ready at http://[^:/]*:\([0-9]*\).*#\1#p' "$dir/out" | head -n 1)
  if [ -n "$port" ]; then
    conveyor_aot_request "$port" "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    conveyor_aot_request "$port" "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: CodePipeline_20150709.ListPipelines\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -s "$dir/cache.aot" ]; then mv -f "$dir/cache.aot" "$cache"; fi
  rm -rf "$dir"
}
