#!/usr/bin/env bash
# Upgrades an installation to the release this script belongs to, in one command:
#
#   cd /root/intranet-release && git pull && sudo deploy/upgrade.sh [--etc /etc/intranet]
#
# It runs deploy/install.sh again with the options of the first install ($ETC/install.args):
# the release is copied, new dependencies installed, the schema migrated, translations and static
# files refreshed; then the application processes restart one at a time, each answering again
# before the next stops (nginx sends requests to the others meanwhile), and the worker last.
# A release whose notes ask for a maintenance window (a migration that removes what the running
# code reads) is stopped first instead: systemctl stop intranet.target, upgrade, start.
set -euo pipefail
ETC=/etc/intranet
[ "${1:-}" = "--etc" ] && ETC=$2
# install.sh keeps a unit or the nginx site changed by hand, and writes the release's version beside
# it (FILE.new): options such as --bind and --upstream (in install.args) are kept from one upgrade
# to the next; change them with install.sh, whose last options upgrades use again.
[ -f "$ETC/install.args" ] || { echo "No $ETC/install.args: was this machine installed with deploy/install.sh?" >&2; exit 2; }
mapfile -t args < "$ETC/install.args"
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh" "${args[@]}" --yes --no-system-packages

# Where the processes listen (--bind) and the site's name (--domain), from the same options.
bind=127.0.0.1 domain=localhost
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  case "${args[i]}" in --bind) bind=${args[i + 1]} ;; --domain) domain=${args[i + 1]} ;; esac
done
case "$bind" in 0.0.0.0) bind=127.0.0.1 ;; ::|"[::]") bind=::1 ;; esac
# Answering means an HTTP answer from the application, whatever its status: listening is not enough.
answers() {
  python3 - "$bind" "$1" "$domain" <<'PYTHON' 2>/dev/null
import http.client, sys
connection = http.client.HTTPConnection(sys.argv[1].strip("[]"), int(sys.argv[2]), timeout=5)
connection.request("GET", "/sante/", headers={"Host": sys.argv[3], "X-Forwarded-Proto": "https"})
connection.getresponse()
PYTHON
}

ports=$(systemctl list-units --plain --no-legend 'intranet-web@*.service' | sed -n 's/^intranet-web@\([0-9]*\)\.service.*/\1/p')
for port in $ports; do
  systemctl restart "intranet-web@$port.service"
  answered=0
  for _ in $(seq 60); do
    if answers "$port"; then answered=1; break; fi
    sleep 1
  done
  if [ $answered = 0 ]; then
    # Stop here: the other processes still serve the previous release's pages.
    echo "intranet-web@$port does not answer after the upgrade: see journalctl -u intranet-web@$port" >&2
    exit 1
  fi
  echo "  restarted intranet-web@$port ($(date +%T))"
  # nginx puts a process that refused 3 requests aside for fail_timeout (10 s by default) before it
  # tries it again: if the next one stopped sooner, a one-node set-up would have none left to answer.
  [ "$port" = "$(printf '%s\n' $ports | tail -n 1)" ] || sleep $((${NGINX_FAIL_TIMEOUT:-10} + 1))
done
systemctl restart intranet-worker.service
echo "  restarted intranet-worker ($(date +%T))"
site=$(python3 "$here/systemd_env.py" get "$ETC/env" SITE_URL "https://$domain" 2>/dev/null || echo "https://$domain")
echo "Upgraded. The health page: ${site%/}/sante/"
