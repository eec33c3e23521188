#!/usr/bin/env bash
# Install Debian packages for the tests (chromium, the PDF libraries), waiting while another apt or dpkg holds the
# package lock (an unattended upgrade, a second `make`) instead of failing: `make test` exited 2 in that case.
# APT_LOCK_WAIT (seconds, default 600) bounds the wait; any other failure stops at once.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
wait=${APT_LOCK_WAIT:-600}
apt() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$wait" "$@"; }
deadline=$((SECONDS + wait))
until output=$(apt update -q 2>&1); do
  if ! grep -qi "could not get lock\|unable to lock" <<<"$output" || [ "$SECONDS" -ge "$deadline" ]; then
    echo "$output" >&2
    exit 1
  fi
  echo "apt is busy (another process holds its lock): waiting" >&2
  sleep 5
done
apt install -y -q "$@"
