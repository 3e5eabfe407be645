#!/usr/bin/env bash
# The demo's sample app: greets whoever it is given. GREETING (default "Hello") says how.
greet() {
  printf '%s, %s!\n' "${GREETING:-Hello}" "${1:-world}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  greet "$@"
fi
