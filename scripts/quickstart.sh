#!/bin/sh
# Quick start: install what is missing, build the server and the web console, create a demo
# database and serve both at http://127.0.0.1:8080 (override with JINZHI_LISTEN). Ctrl-C stops the server cleanly.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target jinzhi
sh scripts/web.sh
DB="${JINZHI_DB:-demo.db}"
./build/jinzhi demo --db "$DB" --scale small --seed 1
echo "jinzhi: open http://${JINZHI_LISTEN:-127.0.0.1:8080}/ and sign in with an account above;" \
	"the API is described at /api/v1/openapi.json" >&2
exec ./build/jinzhi serve --db "$DB" --listen "${JINZHI_LISTEN:-127.0.0.1:8080}" --web-root web/dist
