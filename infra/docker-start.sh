#!/bin/sh
# Container entry point: refuses to start without MONGODB_URI (the embedded FerretDB exists only for
# development), then runs the app as PID 1 so that it receives SIGTERM and shuts down cleanly.
set -eu
if [ -z "${MONGODB_URI:-}" ]; then
  echo "MONGODB_URI is required: set it to a MongoDB 6+, Atlas or Azure Cosmos DB for MongoDB (vCore) connection string." >&2
  exit 64
fi
exec node --import tsx app/main.ts
