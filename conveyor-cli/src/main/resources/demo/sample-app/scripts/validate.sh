#!/usr/bin/env bash
# ValidateService: the host's application answers with the new version (HTTP over bash's /dev/tcp: nothing else needed).
set -euo pipefail
if [ -z "${DEMO_APP_PORT:-}" ]; then
  echo "DEMO_APP_PORT is not set: these hooks run on the demo hosts of conveyor server --demo, whose deploy agents set it"
  exit 1
fi
expected="$(cat dist/VERSION)"
exec 3<>"/dev/tcp/127.0.0.1/$DEMO_APP_PORT"
printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
answer="$(cat <&3)"
exec 3<&-
if [[ "$answer" != *"$expected"* ]]; then
  echo "the application on port $DEMO_APP_PORT does not serve $expected: $answer"
  exit 1
fi
echo "The application serves $expected"
