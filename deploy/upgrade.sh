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
[ -f "$ETC/install.args" ] || { echo "No $ETC/install.args: was this machine installed with deploy/install.sh?" >&2; exit 2; }
mapfile -t args < "$ETC/install.args"
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh" "${args[@]}" --yes --no-system-packages

ports=$(systemctl list-units --plain --no-legend 'intranet-web@*.service' | sed -n 's/^intranet-web@\([0-9]*\)\.service.*/\1/p')
for port in $ports; do
  systemctl restart "intranet-web@$port.service"
  answered=0
  for _ in $(seq 60); do
    if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null; then
      answered=1; break
    fi
    sleep 1
  done
  if [ $answered = 0 ]; then
    # Stop here: the other processes still serve the previous release's pages.
    echo "intranet-web@$port does not answer after the upgrade: see journalctl -u intranet-web@$port" >&2
    exit 1
  fi
  echo "  restarted intranet-web@$port"
done
systemctl restart intranet-worker.service
echo "  restarted intranet-worker"
echo "Upgraded. The health page: https://$(sed -n 's/^ALLOWED_HOSTS=//p' "$ETC/env" | cut -d, -f1)/sante/"
