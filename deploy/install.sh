#!/usr/bin/env bash
# Installs the intranet on one Debian 12 server: system packages, a system user, its folders, a
# virtual environment, the PostgreSQL role and database (with unaccent), the secret key and the
# settings, the systemd units and the nginx site, the database schema, the static files and the
# first staff account. It prints its plan first, asks before doing anything, and running it again
# changes nothing that is already there ("kept"). docs/deploy.md tells the whole story.
#
#   sudo deploy/install.sh --domain intranet.example.org
#
# Options (defaults in brackets):
#   --domain NAME           the address members type (required)
#   --prefix DIR            where the release, its environment and its data live [/srv/intranet]
#   --etc DIR               settings and secret key [/etc/intranet]
#   --user NAME             the system user the processes run as [intranet]
#   --ports LIST            application processes, one per port [8001,8002]
#   --bind ADDRESS          the address they listen on: this node's private address when nginx
#                           runs on another machine [127.0.0.1]
#   --upstream HOST:PORT    an application process nginx sends requests to, repeated for each
#                           process of every node [ADDRESS:PORT for each of --ports]
#   --database-url URL      [postgres:///intranet through the local socket, as the system user]
#   --pg-admin COMMAND      how to run psql as a PostgreSQL superuser [runuser -u postgres -- psql]
#   --redis-url URL         [redis://127.0.0.1:6379/0]
#   --email-host HOST --email-port N --from-email ADDRESS   outgoing mail [localhost 25 intranet@DOMAIN]
#   --admin-email ADDRESS --admin-first-name NAME --admin-last-name NAME
#                           the first staff account (asked when missing; the password is asked,
#                           or read from INTRANET_ADMIN_PASSWORD)
#   --certificate FILE --certificate-key FILE   [a self-signed pair until certbot's]
#   --http-port N --https-port N                [80 443]
#   --systemd-dir DIR --nginx-dir DIR           [/etc/systemd/system /etc/nginx]
#   --backup-dir DIR        [/var/backups/intranet]
#   --no-system-packages    do not run apt-get (they are installed already)
#   --no-start              install the units and the site without enabling or reloading them
#   --yes                   do not ask before going on
#   --render TEMPLATE       print deploy/TEMPLATE (nginx/intranet.conf, systemd/…) as this install
#                           writes it, and stop
# The options are kept in $ETC/install.args: deploy/upgrade.sh runs the install again with them.
# A unit or the nginx site changed by hand since the install wrote it is left alone: the
# release's version is written beside it as FILE.new, to merge by hand.
set -euo pipefail

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
DOMAIN="" PREFIX=/srv/intranet ETC=/etc/intranet APP_USER=intranet PORTS=8001,8002
DATABASE_URL="" PG_ADMIN="runuser -u postgres -- psql" REDIS_URL=redis://127.0.0.1:6379/0
EMAIL_HOST=localhost EMAIL_PORT=25 FROM_EMAIL=""
ADMIN_EMAIL="" ADMIN_FIRST_NAME="" ADMIN_LAST_NAME=""
CERTIFICATE="" CERTIFICATE_KEY="" HTTP_PORT=80 HTTPS_PORT=443
SYSTEMD_DIR=/etc/systemd/system NGINX_DIR=/etc/nginx BACKUP_DIR=/var/backups/intranet
SYSTEM_PACKAGES=1 START=1 ASK=1 BIND=127.0.0.1 UPSTREAM_LIST=() RENDER=""

GIVEN=("$@")  # kept in $ETC/install.args for deploy/upgrade.sh
while [ $# -gt 0 ]; do
  case "$1" in
    --domain) DOMAIN=$2; shift ;;
    --prefix) PREFIX=$2; shift ;;
    --etc) ETC=$2; shift ;;
    --user) APP_USER=$2; shift ;;
    --ports) PORTS=$2; shift ;;
    --bind) BIND=$2; shift ;;
    --upstream) UPSTREAM_LIST+=("$2"); shift ;;
    --database-url) DATABASE_URL=$2; shift ;;
    --pg-admin) PG_ADMIN=$2; shift ;;
    --redis-url) REDIS_URL=$2; shift ;;
    --email-host) EMAIL_HOST=$2; shift ;;
    --email-port) EMAIL_PORT=$2; shift ;;
    --from-email) FROM_EMAIL=$2; shift ;;
    --admin-email) ADMIN_EMAIL=$2; shift ;;
    --admin-first-name) ADMIN_FIRST_NAME=$2; shift ;;
    --admin-last-name) ADMIN_LAST_NAME=$2; shift ;;
    --certificate) CERTIFICATE=$2; shift ;;
    --certificate-key) CERTIFICATE_KEY=$2; shift ;;
    --http-port) HTTP_PORT=$2; shift ;;
    --https-port) HTTPS_PORT=$2; shift ;;
    --systemd-dir) SYSTEMD_DIR=$2; shift ;;
    --nginx-dir) NGINX_DIR=$2; shift ;;
    --backup-dir) BACKUP_DIR=$2; shift ;;
    --no-system-packages) SYSTEM_PACKAGES=0 ;;
    --no-start) START=0 ;;
    --yes) ASK=0 ;;
    --render) RENDER=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

[ -n "$DOMAIN" ] || { echo "Give the site's address: --domain intranet.example.org" >&2; exit 2; }
DB_NAME=intranet
DATABASE_URL=${DATABASE_URL:-postgres://$APP_USER@%2Fvar%2Frun%2Fpostgresql/$DB_NAME}
DB_NAME=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$DATABASE_URL")
DB_ROLE=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).username or "")' "$DATABASE_URL")
FROM_EMAIL=${FROM_EMAIL:-Intranet <intranet@$DOMAIN>}
CERTIFICATE=${CERTIFICATE:-$ETC/tls/selfsigned.crt}
CERTIFICATE_KEY=${CERTIFICATE_KEY:-$ETC/tls/selfsigned.key}
PYTHON=$PREFIX/venv/bin/python
IFS=, read -r -a PORT_LIST <<< "$PORTS"
HTTPS_PORT_SUFFIX=$([ "$HTTPS_PORT" = 443 ] && echo "" || echo ":$HTTPS_PORT")
if [ ${#UPSTREAM_LIST[@]} = 0 ]; then  # this node's processes, where they listen
  case "$BIND" in 0.0.0.0) local_address=127.0.0.1 ;; ::|"[::]") local_address="[::1]" ;; *) local_address=$BIND ;; esac
  for port in "${PORT_LIST[@]}"; do UPSTREAM_LIST+=("$local_address:$port"); done
fi
for upstream in "${UPSTREAM_LIST[@]}"; do
  [[ "$upstream" =~ ^[][A-Za-z0-9.:_-]+:[0-9]+$ ]] || { echo "--upstream wants HOST:PORT, not '$upstream'" >&2; exit 2; }
done
[[ "$BIND" =~ ^[][A-Za-z0-9.:_-]+$ ]] || { echo "--bind wants an address, not '$BIND'" >&2; exit 2; }
# The room intranet/bodylimit.py (ENVELOPE_BYTES) leaves around the largest file for the rest of
# an upload's body, in MB; tests/test_deploy_files.py keeps the two equal.
ENVELOPE_MB=1

for name in DOMAIN PREFIX ETC APP_USER DATABASE_URL REDIS_URL EMAIL_HOST EMAIL_PORT FROM_EMAIL BACKUP_DIR CERTIFICATE CERTIFICATE_KEY BIND; do
  printf -v "${name}_RAW" '%s' "${!name}"
done
say() { printf '  %-8s %s\n' "$1" "$2"; }
as_user() { if [ "$(id -un)" = "$APP_USER" ]; then "$@"; else runuser -u "$APP_USER" -- "$@"; fi; }
# manage.py as the system user, with the settings of $ETC/env (extra NAME=value first, if any).
manage() {
  local extra=()
  while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do extra+=("$1"); shift; done
  as_user env "${extra[@]}" bash -c 'set -a; . "$1"; set +a; cd "$2"; shift 2; exec "$@"' _ "$ETC/env" "$PREFIX/app" \
    "$PYTHON" manage.py "$@"
}
esc() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }  # a value as sed's replacement writes it
render() {  # a template of deploy/, its placeholders filled
  local DOMAIN PREFIX ETC APP_USER DATABASE_URL REDIS_URL EMAIL_HOST EMAIL_PORT FROM_EMAIL BACKUP_DIR CERTIFICATE CERTIFICATE_KEY BIND
  DOMAIN=$(esc "$DOMAIN_RAW"); PREFIX=$(esc "$PREFIX_RAW"); ETC=$(esc "$ETC_RAW"); APP_USER=$(esc "$APP_USER_RAW")
  DATABASE_URL=$(esc "$DATABASE_URL_RAW"); REDIS_URL=$(esc "$REDIS_URL_RAW"); EMAIL_HOST=$(esc "$EMAIL_HOST_RAW")
  EMAIL_PORT=$(esc "$EMAIL_PORT_RAW"); FROM_EMAIL=$(esc "$FROM_EMAIL_RAW"); BACKUP_DIR=$(esc "$BACKUP_DIR_RAW")
  CERTIFICATE=$(esc "$CERTIFICATE_RAW"); CERTIFICATE_KEY=$(esc "$CERTIFICATE_KEY_RAW"); BIND=$(esc "$BIND_RAW")
  sed -e "s|@DOMAIN@|$DOMAIN|g" -e "s|@PREFIX@|$PREFIX|g" -e "s|@ETC@|$ETC|g" -e "s|@USER@|$APP_USER|g" \
      -e "s|@DATABASE_URL@|$DATABASE_URL|g" -e "s|@REDIS_URL@|$REDIS_URL|g" -e "s|@EMAIL_HOST@|$EMAIL_HOST|g" \
      -e "s|@EMAIL_PORT@|$EMAIL_PORT|g" -e "s|@FROM_EMAIL@|$FROM_EMAIL|g" -e "s|@BACKUP_DIR@|$BACKUP_DIR|g" \
      -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" -e "s|@HTTPS_PORT_SUFFIX@|$HTTPS_PORT_SUFFIX|g" \
      -e "s|@CERTIFICATE@|$CERTIFICATE|g" -e "s|@CERTIFICATE_KEY@|$CERTIFICATE_KEY|g" \
      -e "s|@BIND@|$BIND|g" -e "s|@CLIENT_MAX_BODY_SIZE@|${CLIENT_MAX_BODY_SIZE:-}|g" \
      -e "s|@UPSTREAMS@|$(for upstream in "${UPSTREAM_LIST[@]}"; do printf '    server %s max_fails=3;\\n' "$upstream"; done)|g" \
      "$SOURCE/deploy/$1"
}
# nginx's client_max_body_size: the application's own limit, DOCUMENTS_MAX_UPLOAD_MB (of $ETC/env,
# else of the template) and the envelope around the file; nginx's "m" is the application's MB.
client_max_body_size() {
  local mb
  if [ -r "$ETC/env" ]; then
    mb=$(python3 "$SOURCE/deploy/systemd_env.py" get "$ETC/env" DOCUMENTS_MAX_UPLOAD_MB "") || return 1
  else
    mb=$(render env.template | python3 "$SOURCE/deploy/systemd_env.py" get - DOCUMENTS_MAX_UPLOAD_MB "") || return 1
  fi
  mb=${mb:-200}  # empty or absent: the application's default
  [[ "$mb" =~ ^[0-9]+$ ]] || { echo "DOCUMENTS_MAX_UPLOAD_MB is not a whole number of MB: '$mb'" >&2; return 1; }
  echo "$((10#$mb + ENVELOPE_MB))m"
}
# What this script last wrote to each file, to tell a template's new version from a hand edit.
SUMS=$ETC/install.sums
sha() { sha256sum | cut -d' ' -f1; }
written_sum() { [ -f "$SUMS" ] && awk -F'\t' -v path="$1" '$2 == path { sum = $1 } END { print sum }' "$SUMS"; }
record_sum() {
  { [ -f "$SUMS" ] && awk -F'\t' -v path="$2" '$2 != path' "$SUMS"; printf '%s\t%s\n' "$1" "$2"; } > "$SUMS.part"
  mv "$SUMS.part" "$SUMS"
}
place() {  # place FILE_FROM_TEMPLATE DESTINATION MODE: written when new or different, unless edited by hand
  local content wanted current
  content=$(render "$1"); wanted=$(printf '%s\n' "$content" | sha)
  if [ -f "$2" ]; then
    current=$(sha < "$2")
    if [ "$current" = "$wanted" ]; then
      [ "$(written_sum "$2")" = "$wanted" ] || record_sum "$wanted" "$2"
      [ ! -f "$2.new" ] || { rm -f "$2.new"; say removed "$2.new (the file is the release's version)"; }
      say kept "$2"; return 1
    fi
    if [ "$current" != "$(written_sum "$2")" ]; then  # changed since this script wrote it: a hand edit
      if [ -f "$2.new" ] && [ "$(sha < "$2.new")" = "$wanted" ]; then
        say kept "$2 (changed by hand; this release's version is $2.new)"
      else
        printf '%s\n' "$content" > "$2.new"; chmod "$3" "$2.new"
        say written "$2.new: $2 was changed by hand and is kept; merge this release's version into it"
      fi
      HAND_EDITED+=("$2"); return 1
    fi
  fi
  mkdir -p "$(dirname "$2")"; printf '%s\n' "$content" > "$2"; chmod "$3" "$2"; record_sum "$wanted" "$2"
  rm -f "$2.new"; say written "$2"
}
HAND_EDITED=()

if [ -n "$RENDER" ]; then
  [ -f "$SOURCE/deploy/$RENDER" ] || { echo "No template deploy/$RENDER" >&2; exit 2; }
  CLIENT_MAX_BODY_SIZE=$(client_max_body_size)
  render "$RENDER"
  exit 0
fi

cat <<PLAN
The intranet will be installed for https://$DOMAIN$HTTPS_PORT_SUFFIX/ as follows:
  1. system packages (apt-get): $([ $SYSTEM_PACKAGES = 1 ] && echo "python3-venv postgresql redis-server nginx rsync openssl gettext" || echo "skipped")
  2. system user '$APP_USER'; folders $PREFIX/{app,venv,var,media,acme}, $ETC, $BACKUP_DIR
  3. the release from $SOURCE copied to $PREFIX/app, its virtual environment in $PREFIX/venv
  4. PostgreSQL role '$DB_ROLE' and database '$DB_NAME' with unaccent; Redis at $REDIS_URL
  5. a secret key in $ETC/secret_key and the settings in $ETC/env (kept if already there)
  6. the schema (migrate), translations and static files, then the first staff account
  7. systemd units in $SYSTEMD_DIR (intranet.target: web on $BIND, ports $PORTS, the worker, a
     nightly backup timer) and the nginx site in $NGINX_DIR (to ${UPSTREAM_LIST[*]}),
     $([ $START = 1 ] && echo "enabled and started" || echo "not started (--no-start)")
Nothing already in place is changed.
PLAN
if [ $ASK = 1 ]; then
  read -r -p "Go on? [y/N] " answer
  case "$answer" in y|Y|o|O|yes|oui) ;; *) echo "Nothing done."; exit 1 ;; esac
fi

echo "1. System packages"
if [ $SYSTEM_PACKAGES = 1 ]; then
  missing=()
  for package in python3-venv postgresql postgresql-contrib redis-server nginx rsync openssl gettext; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    say installed "${missing[*]}"
  else
    say kept "every package"
  fi
fi

echo "2. User and folders"
if id -u "$APP_USER" >/dev/null 2>&1; then say kept "user $APP_USER"; else
  useradd --system --home-dir "$PREFIX" --shell /usr/sbin/nologin "$APP_USER"; say created "user $APP_USER"
fi
for folder in "$PREFIX" "$PREFIX/app" "$PREFIX/var" "$PREFIX/media" "$PREFIX/acme" "$BACKUP_DIR"; do
  if [ -d "$folder" ]; then say kept "$folder"; else mkdir -p "$folder"; say created "$folder"; fi
  chown "$APP_USER:$APP_USER" "$folder"
done
chmod 700 "$BACKUP_DIR"  # dumps hold everything: only the service's user reads them
if [ -d "$ETC" ]; then say kept "$ETC"; else mkdir -p "$ETC"; say created "$ETC"; fi
chown "root:$APP_USER" "$ETC" 2>/dev/null || true
chmod 750 "$ETC"

echo "3. Release and virtual environment"
if [ "$SOURCE" != "$PREFIX/app" ]; then
  changes=$(rsync -a --delete --itemize-changes --exclude .git --exclude .venv --exclude var --exclude '__pycache__' --exclude '*.mo' --exclude '*.egg-info' --exclude build \
    --chown="$APP_USER:$APP_USER" "$SOURCE/" "$PREFIX/app/" | grep -vc '^\.' || true)
  if [ "$changes" = 0 ]; then say kept "$PREFIX/app"; else say copied "$changes file(s) to $PREFIX/app"; fi
fi
if [ -x "$PYTHON" ]; then say kept "$PREFIX/venv"; else
  as_user /usr/bin/python3 -m venv "$PREFIX/venv"; say created "$PREFIX/venv"
fi
stamp=$PREFIX/venv/.installed-$(sha256sum "$PREFIX/app/pyproject.toml" | cut -c1-16)
if [ -f "$stamp" ]; then say kept "the dependencies"; else
  as_user "$PYTHON" -m pip install --quiet --upgrade pip
  as_user "$PYTHON" -m pip install --quiet "$PREFIX/app"
  as_user touch "$stamp"; say installed "the dependencies of $PREFIX/app/pyproject.toml"
fi

echo "4. Database"
psql_admin() { $PG_ADMIN -v ON_ERROR_STOP=1 -tAq "$@"; }
if [ -n "$DB_ROLE" ] && [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE'")" = 1 ]; then
  say kept "role $DB_ROLE"
elif [ -n "$DB_ROLE" ]; then
  psql_admin -d postgres -c "CREATE ROLE \"$DB_ROLE\" LOGIN"; say created "role $DB_ROLE"
fi
if [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" = 1 ]; then
  say kept "database $DB_NAME"
else
  psql_admin -d postgres -c "CREATE DATABASE \"$DB_NAME\" OWNER \"${DB_ROLE:-postgres}\""; say created "database $DB_NAME"
fi
if [ "$(psql_admin -d "$DB_NAME" -c "SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")" = 1 ]; then
  say kept "extension unaccent"
else
  psql_admin -d "$DB_NAME" -c "CREATE EXTENSION unaccent"; say created "extension unaccent"
fi

echo "5. Secret key and settings"
if [ -s "$ETC/secret_key" ]; then say kept "$ETC/secret_key"; else
  (umask 027; python3 -c 'import secrets; print(secrets.token_urlsafe(64))' > "$ETC/secret_key")
  say created "$ETC/secret_key"
fi
chown "root:$APP_USER" "$ETC/secret_key" 2>/dev/null || true; chmod 640 "$ETC/secret_key"
if [ -f "$ETC/env" ]; then say kept "$ETC/env (edit it by hand; deploy/env.template shows the current one)"; else
  (umask 027; render env.template > "$ETC/env"); say created "$ETC/env"
fi
python3 "$SOURCE/deploy/systemd_env.py" check "$ETC/env" | sed "s|^|  warning  $ETC/env: |" || true
chown "root:$APP_USER" "$ETC/env" 2>/dev/null || true; chmod 640 "$ETC/env"

args=$(for arg in "${GIVEN[@]}"; do case "$arg" in --yes|--no-start|--no-system-packages) ;; *) printf '%s\n' "$arg" ;; esac; done)
if [ -f "$ETC/install.args" ] && [ "$(cat "$ETC/install.args")" = "$args" ]; then say kept "$ETC/install.args"; else
  printf '%s\n' "$args" > "$ETC/install.args"; say written "$ETC/install.args (the options deploy/upgrade.sh uses again)"
fi

echo "6. Schema, translations, static files, first staff account"
pending=$(manage migrate --plan | grep -c '^[a-z_]*\.[0-9]' || true)
if [ "$pending" = 0 ]; then say kept "the schema"; else manage migrate --noinput >/dev/null; say migrated "$pending step(s)"; fi
manage compile_translations >/dev/null && say ready "translations"
copied=$(manage collectstatic --noinput | grep -o '^[0-9]*' | head -n 1)
if [ "${copied:-0}" = 0 ]; then say kept "static files"; else say copied "$copied static file(s)"; fi
if [ "$(manage shell --no-imports -c 'from intranet.models import User; print(User.objects.filter(is_staff=True).exists())' | tail -n 1)" = True ]; then
  say kept "staff account(s)"
else
  [ -n "$ADMIN_EMAIL" ] || read -r -p "E-mail of the first staff account: " ADMIN_EMAIL
  [ -n "$ADMIN_FIRST_NAME" ] || read -r -p "First name: " ADMIN_FIRST_NAME
  [ -n "$ADMIN_LAST_NAME" ] || read -r -p "Last name: " ADMIN_LAST_NAME
  password=${INTRANET_ADMIN_PASSWORD:-}
  [ -n "$password" ] || { read -r -s -p "Password (12 characters at least): " password; echo; }
  # The password through a pipe: on a command line, any local user would read it (ps).
  printf '%s\n' "$password" | as_user env DJANGO_SUPERUSER_EMAIL="$ADMIN_EMAIL" \
    DJANGO_SUPERUSER_FIRST_NAME="$ADMIN_FIRST_NAME" DJANGO_SUPERUSER_LAST_NAME="$ADMIN_LAST_NAME" \
    bash -c 'IFS= read -r DJANGO_SUPERUSER_PASSWORD; export DJANGO_SUPERUSER_PASSWORD; set -a; . "$1"; set +a;
             cd "$2"; exec "$3" manage.py createsuperuser --noinput' _ "$ETC/env" "$PREFIX/app" "$PYTHON" >/dev/null
  say created "staff account $ADMIN_EMAIL"
fi

echo "7. Services and site"
units_changed=0
for unit in intranet-web@.service intranet-worker.service intranet.target intranet-backup.service intranet-backup.timer; do
  place "systemd/$unit" "$SYSTEMD_DIR/$unit" 644 && units_changed=1 || true
done
if [ ! -s "$CERTIFICATE" ]; then
  mkdir -p "$(dirname "$CERTIFICATE")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=$DOMAIN" -addext "subjectAltName=DNS:$DOMAIN" -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$CERTIFICATE_KEY" -out "$CERTIFICATE" 2>/dev/null
  chmod 600 "$CERTIFICATE_KEY"; say created "a self-signed certificate for $DOMAIN (until certbot's)"
else
  say kept "$CERTIFICATE"
fi
site_changed=0
CLIENT_MAX_BODY_SIZE=$(client_max_body_size)
place nginx/intranet.conf "$NGINX_DIR/sites-available/intranet.conf" 644 && site_changed=1 || true
if [ -L "$NGINX_DIR/sites-enabled/intranet.conf" ]; then say kept "$NGINX_DIR/sites-enabled/intranet.conf"; else
  mkdir -p "$NGINX_DIR/sites-enabled"
  ln -s "$NGINX_DIR/sites-available/intranet.conf" "$NGINX_DIR/sites-enabled/intranet.conf"; site_changed=1
  say linked "$NGINX_DIR/sites-enabled/intranet.conf"
fi
if [ $START = 1 ]; then
  [ $units_changed = 0 ] || systemctl daemon-reload
  systemctl enable --quiet intranet.target intranet-worker.service intranet-backup.timer \
    $(for port in "${PORT_LIST[@]}"; do echo "intranet-web@$port.service"; done)
  systemctl start intranet.target intranet-backup.timer
  if [ $site_changed = 1 ]; then nginx -t -q && systemctl reload nginx && say reloaded nginx; fi
fi

if [ ${#HAND_EDITED[@]} -gt 0 ]; then
  echo
  echo "Changed by hand, so kept as they are (this release's version beside each, as FILE.new):"
  printf '  %s\n' "${HAND_EDITED[@]}"
  echo "Merge each FILE.new into FILE (diff -u FILE FILE.new), then delete FILE.new, or pass the change"
  echo "as an option (--bind, --upstream, --ports: see --help) and delete FILE to get the release's."
fi

cat <<DONE

Installed. What remains:
  - DNS: point $DOMAIN to this server.
  - A real certificate: apt-get install certbot, then
      certbot certonly --webroot -w $PREFIX/acme -d $DOMAIN
    and run this command again with the same options plus
      --certificate /etc/letsencrypt/live/$DOMAIN/fullchain.pem
      --certificate-key /etc/letsencrypt/live/$DOMAIN/privkey.pem
    (kept for upgrades: deploy/upgrade.sh uses the options of the last run).
  - Outgoing e-mail: EMAIL_HOST and the others in $ETC/env (then systemctl restart intranet.target).
  - Sign in at https://$DOMAIN$HTTPS_PORT_SUFFIX/ with the staff account, and invite the members.
  - Watch https://$DOMAIN$HTTPS_PORT_SUFFIX/sante/ from your monitoring; test a restore monthly
    (deploy/restore.sh).
DONE
