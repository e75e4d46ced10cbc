#!/usr/bin/env bash
# Starts a throwaway Tessera (SQLite, sandbox) and checks its webhooks with a receiver written from Quiltt's docs.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
# The receiver listens on 127.0.0.1: the operator's switch for loopback targets (off by default, see README).
export Webhooks__AllowPrivateTargets=true
start_tessera
TESSERA_INIT="$TESSERA_INIT" API_SECRET="$(init_field "['apiKey']['secret']")" TESSERA_URL="$TESSERA_URL" \
  timeout 120 node "$here/webhooks-compat.mjs" || { echo "--- server log"; server_log; exit 1; }
