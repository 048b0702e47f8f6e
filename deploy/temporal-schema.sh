#!/bin/sh
# Creates and migrates Temporal's persistence and visibility schemas on PostgreSQL (admin-tools image).
set -eu
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12
tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" -pw "$POSTGRES_PWD" "$@"
}
tool --db temporal create-database || echo "database temporal exists"
tool --db temporal_visibility create-database || echo "database temporal_visibility exists"
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d "$SCHEMA_DIR/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d "$SCHEMA_DIR/visibility/versioned"
