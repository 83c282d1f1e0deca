#!/bin/sh
# Builds the web console into web/dist (Vite), with .gz/.br beside each file and the
# first-page weight checked against its budget. Installs the npm packages from the lockfile
# when they are missing or older than it. Needs Node.js 20.19+ (scripts/deps.sh).
set -eu
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
