#!/usr/bin/env bash
# ApplicationStart: the host's application serves what current points at.
set -euo pipefail
if [ -z "${DEMO_APP_DIR:-}" ]; then
  echo "DEMO_APP_DIR is not set: these hooks run on the demo hosts of conveyor server --demo, whose deploy agents set it"
  exit 1
fi
ln -sfn "$DEMO_APP_DIR/releases/$DEPLOYMENT_ID" "$DEMO_APP_DIR/current"
echo "Started $(cat "$DEMO_APP_DIR/current/VERSION") on ${DEMO_HOST:-this host}"
