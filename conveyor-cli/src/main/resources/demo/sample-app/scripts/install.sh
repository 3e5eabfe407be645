#!/usr/bin/env bash
# AfterInstall: the release (the build's dist/) goes to the host's releases/<deployment id>.
set -euo pipefail
: "${DEMO_APP_DIR:?the demo hosts' deploy agents set DEMO_APP_DIR}"
release="$DEMO_APP_DIR/releases/$DEPLOYMENT_ID"
mkdir -p "$release"
cp -R dist/. "$release/"
echo "Installed $(cat dist/VERSION) in $release"
