#!/usr/bin/env bash
# `npm run setup`: installs, only where missing, the Debian packages the tests
# run for real (prometheus with promtool, prometheus-alertmanager with amtool,
# redis-server, postgresql), and starts Redis and PostgreSQL only where they do
# not answer. Idempotent; says what it does.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

declare -A needs=(
  [prometheus]=promtool
  [prometheus-alertmanager]=amtool
  [redis-server]=redis-server
  [postgresql]=pg_ctlcluster
)
missing=()
for pkg in prometheus prometheus-alertmanager redis-server postgresql; do
  if command -v "${needs[$pkg]}" >/dev/null 2>&1; then
    say "$pkg: present (${needs[$pkg]} found)"
  else
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  # The packages' own services are not started on install here; we start what we need below.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

redis_answers() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if redis_answers; then
  say "redis: answering on 127.0.0.1:6379"
else
  say "redis: not answering; starting redis-server on 127.0.0.1:6379 (no persistence)"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis_answers && break; sleep 0.1; done
  redis_answers || { say "redis did not start; see /var/log/redis/ci.log"; exit 1; }
fi

pg_answers() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if pg_answers; then
  say "postgresql: answering on 127.0.0.1:5432"
else
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "postgresql: not answering; starting cluster $version/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 100); do pg_answers && break; sleep 0.1; done
  pg_answers || { say "postgresql did not start; see /var/log/postgresql/"; exit 1; }
fi

# The tests connect as postgres to database `test` over TCP without a password.
if ! psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null 2>&1; then
  if ! as_root runuser -u postgres -- psql -tAc 'select 1' -d test >/dev/null 2>&1; then
    say "postgresql: creating database test"
    as_root runuser -u postgres -- createdb test
  fi
  if ! psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null 2>&1; then
    hba=$(as_root runuser -u postgres -- psql -tAc 'show hba_file')
    say "postgresql: allowing trust auth from loopback in $hba"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_root runuser -u postgres -- psql -tAc 'select pg_reload_conf()' >/dev/null
  fi
fi
psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null
say "ready: promtool $(promtool --version 2>&1 | head -n1 | awk '{print $3}'), amtool $(amtool --version 2>&1 | head -n1 | awk '{print $3}'), redis and postgresql answering"
