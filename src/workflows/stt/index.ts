// The speech-to-text pipeline's workflows.
export { transcriptionWorkflow } from './transcription';
