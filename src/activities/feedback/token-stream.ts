import type { Pool } from 'pg';
import * as stream from '../../infra/feedback/queries/stream';

/**
 * Batches a model call's tokens into the job's stream table: one row per `flushEveryMs`, not one
 * per token, so a fast model costs a few inserts a second. Writes run one after another, in order.
 */
export interface TokenStreamWriter {
  push(text: string): void;
  /** Writes what is pending and stops the timer. */
  close(): Promise<void>;
}

export async function openTokenStream(pool: Pool, jobId: string, call: { purpose: string; callKey: string }, flushEveryMs = 100): Promise<TokenStreamWriter> {
  let seq = await stream.nextStreamSeq(pool, jobId);
  let pending = '';
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const write = (events: Array<Omit<stream.StreamEvent, 'seq'>>) => {
    const first = seq;
    seq += events.length;
    writing = writing.then(() => stream.appendStreamEvents(pool, jobId, first, events)).catch((err) => void (failure ??= err));
  };
  // Starts the call's part of the stream: followers drop text an earlier (crashed) call sent.
  write([{ kind: 'call', data: JSON.stringify(call) }]);
  const flush = () => {
    if (!pending) return;
    write([{ kind: 'tokens', data: pending }]);
    pending = '';
  };
  const timer = setInterval(flush, flushEveryMs);
  return {
    push(text) {
      pending += text;
    },
    async close() {
      clearInterval(timer);
      flush();
      await writing;
      if (failure) throw failure;
    },
  };
}
