export { transcriptionWorkflow } from './transcription';
