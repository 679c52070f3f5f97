# Sourced by `make test`: start a local PostgreSQL cluster when one is installed and export its test URL.
if [ -z "${GUICHET_TEST_POSTGRES_URL:-}" ] && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$pg_version main"; then
    pg_createcluster "$pg_version" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep "^$pg_version main" | grep -q online; then
    pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
  fi
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='guichet'\"" | grep -q 1 || \
    su postgres -c "psql -qc \"CREATE ROLE guichet LOGIN SUPERUSER PASSWORD 'guichet'\""
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='guichet_test'\"" | grep -q 1 || \
    su postgres -c "psql -qc \"CREATE DATABASE guichet_test OWNER guichet\""
  export GUICHET_TEST_POSTGRES_URL="postgresql+psycopg://guichet:guichet@127.0.0.1:5432/guichet_test"
fi
