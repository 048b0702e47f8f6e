// The speech-to-text pipeline's workflows (task queue `stt`).
export { transcriptionWorkflow } from './transcription';
