#!/bin/sh
# Creates and migrates Temporal's persistence and visibility schemas on PostgreSQL with
# temporal-sql-tool and the schemas built into it; safe to run on every start. Run by the
# temporal-schema service of docker-compose.yml (admin-tools image) and by `npm run start:cluster`
# (the tool built from source into .tools/bin), with the variables of deploy/temporal-server.yaml.
set -eu
tool() {
  temporal-sql-tool --plugin "${DB:-postgres12}" --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" -pw "${POSTGRES_PWD:-}" "$@"
}
for db in "${DBNAME:-temporal}" "${VISIBILITY_DBNAME:-temporal_visibility}"; do
  # create-database has no "if not exists"; a real connection problem fails the next step.
  tool --db "$db" create-database 2>/dev/null || echo "database $db exists"
done
tool --db "${DBNAME:-temporal}" setup-schema -v 0.0
tool --db "${DBNAME:-temporal}" update-schema --schema-name postgresql/v12/temporal
tool --db "${VISIBILITY_DBNAME:-temporal_visibility}" setup-schema -v 0.0
tool --db "${VISIBILITY_DBNAME:-temporal_visibility}" update-schema --schema-name postgresql/v12/visibility
