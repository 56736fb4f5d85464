#!/bin/sh
# The intranet's backup: the database first, then the documents (files are written under new
# names and never changed, so every row of the dump has its file in the copy taken after it).
# Usage: backup.sh ENV_FILE BACKUP_DIR        (run nightly by intranet-backup.timer)
set -eu
umask 077
env_file=${1:?the settings file, e.g. /etc/intranet/env}
target=${2:?the backup folder, e.g. /var/backups/intranet}
set -a; . "$env_file"; set +a
stamp=$(date +%Y-%m-%d)
documents=${DOCUMENTS_ROOT:-$MEDIA_ROOT/documents}
mkdir -p "$target/db" "$target/documents/current"
pg_dump --format=custom --file="$target/db/intranet-$stamp.dump.part" "$DATABASE_URL"
mv "$target/db/intranet-$stamp.dump.part" "$target/db/intranet-$stamp.dump"
if [ -d "$documents" ]; then
  rsync -a --delete "$documents/" "$target/documents/current/"
fi
rm -rf "$target/documents/$stamp"
cp -al "$target/documents/current" "$target/documents/$stamp"
# Kept 30 days, by the date in their names (a snapshot keeps the documents folder's own date).
cutoff=$(date -d '30 days ago' +%Y-%m-%d)
for old in "$target"/db/intranet-20*.dump "$target"/documents/20*; do
  [ -e "$old" ] || continue
  day=$(basename "$old" .dump); day=${day#intranet-}
  if [ "$day" \< "$cutoff" ]; then rm -rf "$old"; fi
done
echo "backup $stamp: $target/db/intranet-$stamp.dump and $target/documents/$stamp"
