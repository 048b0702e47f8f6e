#!/bin/sh
# Creates the namespace and registers the custom search attributes the workflows set
# (the list in src/workflows/search-attributes.ts; a test keeps the two in step).
set -eu
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" | grep -q SERVING; do sleep 2; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" --retention 30d
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" --yes \
  --name DpPipeline --type Keyword \
  --name DpBusinessKey --type Keyword \
  --name DpStatusDetail --type Keyword \
  --name DpSiteIds --type KeywordList \
  --name DpScenarios --type KeywordList
