#!/bin/sh
# Restores a backup into a database and a documents folder, then checks them with this release.
# Usage: restore.sh ENV_FILE DUMP DOCUMENTS_SNAPSHOT DATABASE_URL DOCUMENTS_ROOT
#   e.g. restore.sh /etc/intranet/env /var/backups/intranet/db/intranet-2026-12-01.dump \
#        /var/backups/intranet/documents/2026-12-01 postgres:///intranet_restore /tmp/restore/documents
# The database must exist and be empty (createdb intranet_restore). Run it monthly on a scratch
# database: a backup never restored is not a backup.
set -eu
env_file=${1:?}; dump=${2:?}; snapshot=${3:?}; database_url=${4:?}; documents_root=${5:?}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/../venv/bin/python}
set -a; . "$env_file"; set +a
pg_restore --no-owner --exit-on-error --dbname="$database_url" "$dump"
mkdir -p "$documents_root"
rsync -a "$snapshot/" "$documents_root/"
export DATABASE_URL="$database_url" DOCUMENTS_ROOT="$documents_root"
cd "$here"
"$python" manage.py migrate --check
"$python" manage.py documents_check
"$python" manage.py search_index status
echo "restored and checked: $database_url, $documents_root"
