#!/usr/bin/env bash
# ApplicationStart: the host's application serves what current points at.
set -euo pipefail
: "${DEMO_APP_DIR:?the demo hosts' deploy agents set DEMO_APP_DIR}"
ln -sfn "$DEMO_APP_DIR/releases/$DEPLOYMENT_ID" "$DEMO_APP_DIR/current"
echo "Started $(cat "$DEMO_APP_DIR/current/VERSION") on ${DEMO_HOST:-this host}"
