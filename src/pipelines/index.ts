import type { z } from 'zod';
import type { PipelineDefinition } from './definition';
import { etlPipeline } from './etl';
import { feedbackPipeline } from './feedback';
import { moderationPipeline } from './moderation';
import { riskPipeline } from './risk';
import { sttPipeline } from './stt';
import { systemCheckPipeline } from './system-check';

/**
 * The pipelines this system runs: the one list. Adding a pipeline means adding its folders
 * (docs/adding-a-pipeline.md) and one entry here.
 */
export const PIPELINES = [systemCheckPipeline, riskPipeline, sttPipeline, etlPipeline, moderationPipeline, feedbackPipeline] as const;

type Registered = (typeof PIPELINES)[number];
export type PipelineName = Registered['name'];
export const PIPELINE_NAMES: readonly PipelineName[] = PIPELINES.map((p) => p.name);

/** Each pipeline's typed settings under its name. */
export type PipelineSettings = { [P in Registered as P['name']]: z.output<P['settings']> };

/** A definition with its settings type erased, for code that treats every pipeline alike. */
export type AnyPipeline = PipelineDefinition<PipelineName, any>;
export const ANY_PIPELINES: readonly AnyPipeline[] = PIPELINES;
