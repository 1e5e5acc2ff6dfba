#!/usr/bin/env bash
# The demo: install, migrate and seed a SQLite database, then serve on http://127.0.0.1:5000
#
#   bash scripts/demo.sh            # PORT=8000 bash scripts/demo.sh for another port
#
# Everything lives in instance/: demo.db and secret_key (made once, mode 600). No Redis:
# jobs run in-process; e-mails are logged instead of sent unless MAIL_SERVER is set.
# Run it again to serve the same data; delete instance/demo.db to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
ensure_venv runtime

mkdir -p instance
if [ ! -s instance/secret_key ]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' \
        >instance/secret_key)
fi
chmod 600 instance/secret_key

PORT=${PORT:-5000}
export DUEBRIDGE_MODE=demo
export DATABASE_URL="sqlite:///$ROOT/instance/demo.db"
SECRET_KEY=$(cat instance/secret_key)
export SECRET_KEY
export PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:$PORT}
unset REDIS_URL FLASK_APP

flask() { .venv/bin/flask --app wsgi "$@"; }

echo "==> Database schema (flask db upgrade)"
flask db upgrade

# `flask demo seed` refuses a database that already holds data, so only seed an empty one.
organisations=$(.venv/bin/python - <<'PY'
from sqlalchemy import func, select

from core.app import create_app
from core.auth.models import Organization
from core.extensions import db

with create_app().app_context():
    print(db.session.scalar(select(func.count(Organization.id))))
PY
)
if [ "$organisations" = 0 ]; then
    echo "==> Demo data (flask demo seed)"
    flask demo seed
else
    echo "==> Demo data already in instance/demo.db (delete that file to start over)"
    echo "Demo password (unless you changed it): duebridge-demo"
    cat <<'LOGINS'
  Northwind Supplies GmbH (creditor)  owner@northwind.example  credit@northwind.example
                                      sales@northwind.example  viewer@northwind.example
  Brightwell Foods Ltd (creditor)     owner@brightwell.example credit@brightwell.example
                                      sales@brightwell.example viewer@brightwell.example
  Fairway Collections Ltd (agency)    owner@fairway.example    collector@fairway.example
LOGINS
fi

echo
echo "==> Duebridge demo on http://127.0.0.1:$PORT/login  (API reference: /api/docs; Ctrl-C stops)"
exec .venv/bin/flask --app wsgi run --host 127.0.0.1 --port "$PORT"
