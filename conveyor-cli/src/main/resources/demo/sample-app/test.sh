#!/usr/bin/env bash
# The sample app's tests, in plain bash so that the demo needs nothing but a shell.
set -euo pipefail
. ./greet.sh

check() {
  if [ "$2" = "$3" ]; then
    echo "ok   - $1"
  else
    echo "FAIL - $1: expected '$3', got '$2'"
    exit 1
  fi
}

check "greets the world by default" "$(greet)" "Hello, world!"
check "greets a name" "$(greet Ada)" "Hello, Ada!"
check "greets the way GREETING says" "$(GREETING=Bonjour greet Ada)" "Bonjour, Ada!"
echo "3 tests passed"
