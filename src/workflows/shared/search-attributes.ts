import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every pipeline sets, so operators can filter runs in the Web UI
 * (e.g. `DpPipeline = "risk" AND DpStatusDetail = "rate_limited"`). The dev server registers
 * them at start; a production cluster registers them with `temporal operator search-attribute create`.
 */
export const PIPELINE = defineSearchAttributeKey('DpPipeline', SearchAttributeType.KEYWORD);
export const BUSINESS_KEY = defineSearchAttributeKey('DpBusinessKey', SearchAttributeType.KEYWORD);
export const STATUS_DETAIL = defineSearchAttributeKey('DpStatusDetail', SearchAttributeType.KEYWORD);
export const SITE_IDS = defineSearchAttributeKey('DpSiteIds', SearchAttributeType.KEYWORD_LIST);
export const SCENARIOS = defineSearchAttributeKey('DpScenarios', SearchAttributeType.KEYWORD_LIST);

export const ALL_SEARCH_ATTRIBUTES = [PIPELINE, BUSINESS_KEY, STATUS_DETAIL, SITE_IDS, SCENARIOS] as const;
