/**
 * Two versions, because the grid batch's rows outlive changes that do not touch them
 * (docs/risk-model.md, "Versions").
 *
 * - MODEL_VERSION names the whole model: H, P(H), E, V and the money. Every site result row
 *   carries it, so a row computed under an older model stays readable and says so.
 * - HAZARD_MODEL_VERSION names only what the grid batch stores: H, P(H) and base AAL per grid
 *   point. It changes when a hazard score, bin, percentile or kernel rule changes, never for
 *   an E or V rule, so a building-rule change does not throw away a whole grid batch.
 */

/** risk-model/2: E and V follow the spec's normative building rules (risk-model/1 had its own V table). */
export const MODEL_VERSION = 'risk-model/2';

export const HAZARD_MODEL_VERSION = 'hazard-model/1';

/**
 * Labels under which stored grid rows hold H and P(H) equal to HAZARD_MODEL_VERSION's, newest
 * first. Before the two versions were split, grid rows were labelled with the whole model's
 * version; risk-model/1 had exactly today's hazard rules (risk-model/2 changed only E and V),
 * so its rows stay reusable without rewriting every row of the grid.
 */
export const REUSABLE_HAZARD_MODEL_VERSIONS: readonly string[] = [HAZARD_MODEL_VERSION, 'risk-model/1'];
