#!/bin/sh
# Creates the namespace and registers the custom search attributes the workflows set (the list in
# src/workflows/shared/search-attributes.ts; a test keeps the two in step). Safe to run on every
# start. Run by the temporal-namespace service of docker-compose.yml and by `npm run start:cluster`.
set -eu
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" | grep -q SERVING; do sleep 2; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" --retention 30d
# A new namespace reaches the server's namespace cache a few seconds after it is created.
until temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; do sleep 1; done
# One type per call: the CLI takes several --name but a single --type. An existing attribute of the same type is kept.
search_attribute() {
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" --name "$1" --type "$2"
}
search_attribute DpPipeline Keyword
search_attribute DpBusinessKey Keyword
search_attribute DpStatusDetail Keyword
search_attribute DpSiteIds KeywordList
search_attribute DpScenarios KeywordList
