#!/usr/bin/env bash
# AfterInstall: the release (the build's dist/) goes to the host's releases/<deployment id>.
set -euo pipefail
if [ -z "${DEMO_APP_DIR:-}" ]; then
  echo "DEMO_APP_DIR is not set: these hooks run on the demo hosts of conveyor server --demo, whose deploy agents set it"
  exit 1
fi
release="$DEMO_APP_DIR/releases/$DEPLOYMENT_ID"
mkdir -p "$release"
cp -R dist/. "$release/"
echo "Installed $(cat dist/VERSION) in $release"
