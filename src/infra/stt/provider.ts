import type { Readable } from 'node:stream';

/**
 * What the transcription pipeline needs from a speech-to-text vendor. RTZR is asynchronous
 * (submit, then poll); a synchronous vendor answers `submit` with the result and the caller
 * skips polling. Every failure is one of the types in `errors.ts`.
 */

export interface SttAudio {
  /**
   * The audio. Prefer a Buffer or a function that opens a fresh stream (e.g. from object storage):
   * those can be sent again when a token turns out to be expired. A bare Readable is sent once.
   */
  body: Buffer | Readable | (() => Readable | Promise<Readable>);
  filename: string;
  contentType: string;
}

export interface SttSubmitOptions {
  diarization?: boolean;
  /** Expected speakers; 0 lets the vendor estimate. */
  speakerCount?: number;
  /** Vendor domain/model hint, e.g. RTZR's `GENERAL` or `CALL`. */
  domain?: string;
  modelName?: string;
  /** Inverse text normalisation: "이십 퍼센트" → "20%". */
  useItn?: boolean;
  useDisfluencyFilter?: boolean;
  useProfanityFilter?: boolean;
  useParagraphSplitter?: boolean;
  /** Cancels the request (e.g. the activity's cancellation signal). */
  signal?: AbortSignal;
  /**
   * Called just before the audio goes out (after any token request), each time it does: from then
   * until an answer arrives, the vendor may have started a job that nobody knows the id of.
   */
  onSending?: () => Promise<void>;
}

export interface SttUtterance {
  startMs: number;
  durationMs: number;
  text: string;
  speaker: number;
}

export type SttJobStatus =
  | { status: 'transcribing' }
  | { status: 'completed'; utterances: SttUtterance[] }
  | { status: 'failed'; error: string };

export interface SttSubmission {
  vendorJobId: string;
  /** Present when the vendor is synchronous: the transcript is already here, there is nothing to poll. */
  completed?: { utterances: SttUtterance[] };
}

export interface SttProvider {
  /** Stable name for logs, metrics and the per-vendor backoff gate, e.g. `rtzr`. */
  readonly name: string;
  /** True when `submit` returns the transcript itself (`completed`) and the vendor keeps no job to poll. */
  readonly synchronous: boolean;
  submit(audio: SttAudio, options?: SttSubmitOptions): Promise<SttSubmission>;
  poll(vendorJobId: string, options?: { signal?: AbortSignal }): Promise<SttJobStatus>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
