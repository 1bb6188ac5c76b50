#!/usr/bin/env bash
# Installs what DashboardBrowserTest needs, and fails loudly when it cannot:
#  - Debian's Chromium (/usr/bin/chromium), through apt-get, when it is missing. A browser build
#    downloaded by a test tool is never used.
#  - playwright-core, exactly as package-lock.json pins it, into target/browser (npm ci).
# Usage: src/test/browser/install.sh [target-dir]   (run from anywhere; CI runs it as root, no stdin)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="$(cd "$here/../../.." && pwd)"
target="${1:-$project/target/browser}"

if [ ! -x /usr/bin/chromium ]; then
  echo "install.sh: /usr/bin/chromium missing, installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo -n"; fi
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
  $sudo apt-get "${apt_opts[@]}" update -q
  $sudo apt-get "${apt_opts[@]}" install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
/usr/bin/chromium --version

command -v node >/dev/null || { echo "install.sh: node (Node.js 20+) is not on the PATH" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm is not on the PATH" >&2; exit 1; }
mkdir -p "$target"
cp "$here/package.json" "$here/package-lock.json" "$here/dashboard.mjs" "$target/"
stamp="$target/node_modules/.installed-lock"
if ! cmp -s "$here/package-lock.json" "$stamp"; then
  (cd "$target" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts)
  cp "$here/package-lock.json" "$stamp"
fi
node -e "console.log('playwright-core', require('$target/node_modules/playwright-core/package.json').version)"
