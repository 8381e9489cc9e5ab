#!/usr/bin/env bash
# The package as a user gets it, from a fresh clone of the committed tree
# (needs the network: prepare installs the devDependencies to build):
#   1. npm install -g . in a fresh clone, then gorun runs an example;
#   2. npm pack in a fresh clone, the tarball installed into a fresh prefix,
#      then its gorun runs the example the package carries.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false

want='ok 10001'
check() { # check GORUN: run the packaged growstack example
  local got
  got="$("$1" "$("$1" --examples)/growstack.gasm" 2>&1)"
  if [ "$got" != "$want" ]; then echo "package.sh: $1 printed: $got" >&2; exit 1; fi
}

git clone -q "$repo" "$work/linked-clone"
(cd "$work/linked-clone" && npm install -g --prefix "$work/linked" .)
check "$work/linked/bin/gorun"
echo "package.sh: npm install -g . in a fresh clone: ok"

git clone -q "$repo" "$work/pack-clone"
tgz="$(cd "$work/pack-clone" && npm pack --pack-destination "$work" | tail -1)"
npm install -g --prefix "$work/packed" "$work/$tgz"
check "$work/packed/bin/gorun"
echo "package.sh: npm pack in a fresh clone, $tgz installed: ok"
