#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, PostgreSQL for the database tests,
# Dovecot (IMAP) for the e-mail channel tests, Redis and HAProxy for the multi-instance topology
# (handoff_api/topology.py, docs/deployment.md).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "note: ${missing[*]} missing and not root: the tests that need them will be skipped" >&2
  exit 0
fi
echo "installing ${missing[*]} (Debian packages) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${missing[@]}" >/dev/null
