/**
 * Keeps at most one bulk write in flight while the caller prepares the next batch (generating
 * or parsing rows is CPU work in Node; the INSERT is CPU work in PostgreSQL, so they overlap).
 * Writes run one after another on the same client, which a transaction needs anyway.
 */
export class WritePipeline {
  private inFlight: Promise<void> | undefined;

  /** Waits for the previous write, then starts this one without waiting for it. */
  async send(write: () => Promise<void>): Promise<void> {
    await this.inFlight;
    this.inFlight = write();
  }

  /** Waits for the last write; its failure is thrown here. */
  async drain(): Promise<void> {
    const last = this.inFlight;
    this.inFlight = undefined;
    await last;
  }

  /**
   * On the error path: lets a running write settle (ignoring its outcome) so the caller's
   * ROLLBACK does not race it and its rejection is never left unhandled.
   */
  async abandon(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.inFlight = undefined;
  }

  /** Runs `body` with this pipeline, draining it on success and abandoning it on failure. */
  static async run<T>(body: (pipeline: WritePipeline) => Promise<T>): Promise<T> {
    const pipeline = new WritePipeline();
    try {
      const result = await body(pipeline);
      await pipeline.drain();
      return result;
    } catch (err) {
      await pipeline.abandon();
      throw err;
    }
  }
}
