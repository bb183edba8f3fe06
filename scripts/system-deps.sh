#!/usr/bin/env bash
# System packages the reports use, installed from Debian's archive when missing.
# Optional ones only improve speed or let tests look at the output; nothing here is
# required for computing the numbers.
set -u
wanted=(libharfbuzz-subset0 poppler-utils)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installerar systempaket: ${missing[*]}"
  (apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
   { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }) ||
    echo "Varning: kunde inte installera ${missing[*]} (valfria)." >&2
else
  echo "Tips: installera ${missing[*]} med apt för snabbare PDF och PDF-förhandsvisning." >&2
fi
exit 0
