import path from 'node:path';
import { hostSttActivities } from '../../activities/stt/hosted';
import { transcriptionRoutes } from '../../api/stt/routes';
import { classifySttFailure } from '../../activities/stt/failures';
import { definePipeline } from '../definition';
import { sttSettings } from './settings';

export const sttPipeline = definePipeline({
  name: 'stt',
  title: 'Speech-to-text',
  settings: sttSettings,
  workflowsModule: path.join(__dirname, '..', '..', 'workflows', 'stt'),
  workflowTypes: ['transcriptionWorkflow'],
  activities: hostSttActivities,
  classifyFailure: classifySttFailure,
  routes: transcriptionRoutes,
  // A transcription's phase (DpStatusDetail) is its progress.
  listedRuns: () => ({ transcriptionWorkflow: { jobPath: (run) => `/api/transcriptions/${run.workflowId}` } }),
});
