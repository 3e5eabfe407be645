# Sourced by bin/conveyor and bin/test: finds a JDK 21 or newer and exports JAVA_HOME, PATH and MAVEN_OPTS.
# Order: $JAVA_HOME, then the newest JDK under /usr/lib/jvm, then `java` on PATH.

java_major() { # prints the feature version of a java binary (8 for 1.8, 21 for 21.0.2), or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {v=$2; sub(/^1\./, "", v); print v}'
}

conveyor_find_jdk() {
  local candidate best="" best_version=0 v
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    v=$(java_major "$candidate/bin/java")
    [ -n "$v" ] && [ "$v" -ge 21 ] || continue
    if [ "$candidate" = "${JAVA_HOME:-}" ]; then best="$candidate"; best_version=$v; break; fi
    if [ "$v" -gt "$best_version" ]; then best="$candidate"; best_version=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(java_major "$candidate/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then best="$candidate"; best_version=$v; fi
  fi
  if [ -z "$best" ]; then
    echo "conveyor: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, PATH)." >&2
    echo "conveyor: install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best" PATH="$best/bin:$PATH" CONVEYOR_JAVA_VERSION="$best_version"
  # Maven itself still uses sun.misc.Unsafe; newer JDKs warn about it on every run unless told it is allowed.
  if [ "$best_version" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  fi
}
