import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Pool } from 'undici';
import { classifyModelResponse, classifyModelTransportError, ModelProtocolError, ModelUnavailableError } from './model-errors';

/**
 * An OpenAI-compatible chat-completions client (vLLM, OpenAI, the fake model server), streaming
 * or not. Every answer that is not a complete completion becomes one of model-errors.ts's types.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** A JSON schema the answer must follow (`response_format: json_schema`). */
  responseSchema?: { name: string; schema: Record<string, unknown> };
  maxTokens?: number;
  temperature?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatResult {
  content: string;
  finishReason: string | null;
  /** Null when the server reported none (not every server honours stream_options.include_usage). */
  usage: TokenUsage | null;
  model: string | null;
}

export interface ChatCallOptions {
  stream: boolean;
  /** Each piece of text as it arrives (streaming only). */
  onDelta?: (text: string) => void;
  /** The server answered 200: the request was admitted (the vendor gate counts it as accepted). */
  onAccepted?: () => Promise<void> | void;
  signal?: AbortSignal;
}

export interface ModelClientOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Whole-call bound (LLM_REQUEST_TIMEOUT_S). */
  requestTimeoutMs: number;
  /** Longest silence allowed between two stream chunks (or before the headers). */
  idleTimeoutMs: number;
  maxConnections: number;
}

interface ChunkShape {
  model?: string;
  choices?: Array<{ delta?: { content?: string | null }; message?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
}

function usageOf(u: ChunkShape['usage']): TokenUsage | null {
  if (!u || typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return null;
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens };
}

function parseChunk(data: string): ChunkShape {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new ModelProtocolError(`malformed stream chunk: ${data.slice(0, 120)}`);
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as ChunkShape).choices)) {
    throw new ModelProtocolError(`stream chunk without choices: ${data.slice(0, 120)}`);
  }
  return parsed as ChunkShape;
}

export class ModelClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly options: ModelClientOptions) {
    const url = new URL(options.baseUrl);
    // LLM_BASE_URL may or may not carry the /v1 (both spellings are common in the wild).
    this.basePath = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.pool = new Pool(url.origin, { connections: options.maxConnections, headersTimeout: options.requestTimeoutMs, bodyTimeout: options.requestTimeoutMs });
  }

  get model(): string {
    return this.options.model;
  }

  async complete(req: ChatRequest, call: ChatCallOptions): Promise<ChatResult> {
    const deadline = AbortSignal.timeout(this.options.requestTimeoutMs);
    const idle = new AbortController();
    const signal = AbortSignal.any([deadline, idle.signal, ...(call.signal ? [call.signal] : [])]);
    let idleTimer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => idle.abort(new ModelUnavailableError(`model server sent nothing for ${this.options.idleTimeoutMs} ms`)), this.options.idleTimeoutMs);
    };
    touch();
    try {
      const res = await this.pool.request({ method: 'POST', path: `${this.basePath}/v1/chat/completions`, headers: this.headers(call.stream), body: JSON.stringify(this.bodyOf(req, call.stream)), signal });
      if (res.statusCode !== 200) {
        const text = await res.body.text();
        const retryAfter = res.headers['retry-after'];
        throw classifyModelResponse(res.statusCode, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, text);
      }
      await call.onAccepted?.();
      if (!call.stream) return this.readWhole(await res.body.text());
      return await this.readStream(res.body, call.onDelta ?? (() => undefined), touch);
    } catch (err) {
      if (signal.aborted && !(call.signal?.aborted ?? false)) {
        throw idle.signal.aborted ? (idle.signal.reason as Error) : new ModelUnavailableError(`model call exceeded ${this.options.requestTimeoutMs} ms`, { cause: err });
      }
      throw classifyModelTransportError(err);
    } finally {
      clearTimeout(idleTimer);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private headers(stream: boolean): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
    };
  }

  private bodyOf(req: ChatRequest, stream: boolean): Record<string, unknown> {
    return {
      model: this.options.model,
      messages: req.messages,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.responseSchema ? { response_format: { type: 'json_schema', json_schema: { name: req.responseSchema.name, schema: req.responseSchema.schema, strict: true } } } : {}),
    };
  }

  private readWhole(text: string): ChatResult {
    let parsed: ChunkShape;
    try {
      parsed = JSON.parse(text) as ChunkShape;
    } catch {
      throw new ModelProtocolError(`malformed completion: ${text.slice(0, 120)}`);
    }
    const choice = parsed.choices?.[0];
    if (!choice?.message) throw new ModelProtocolError('completion without a message');
    return { content: choice.message.content ?? '', finishReason: choice.finish_reason ?? null, usage: usageOf(parsed.usage), model: parsed.model ?? null };
  }

  private async readStream(body: AsyncIterable<Buffer>, onDelta: (text: string) => void, touch: () => void): Promise<ChatResult> {
    const result: ChatResult = { content: '', finishReason: null, usage: null, model: null };
    let done = false;
    let failure: Error | undefined;
    const onEvent = (event: EventSourceMessage) => {
      if (done || failure) return;
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      try {
        const chunk = parseChunk(event.data);
        result.model ??= chunk.model ?? null;
        result.usage = usageOf(chunk.usage) ?? result.usage;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) result.finishReason = choice.finish_reason;
        const text = choice?.delta?.content;
        if (text) {
          result.content += text;
          onDelta(text);
        }
      } catch (err) {
        failure = err as Error;
      }
    };
    const parser = createParser({ onEvent });
    // A multi-byte character may straddle two network chunks.
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of body) {
      touch();
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (failure) throw failure;
      if (done) break;
    }
    if (!done) throw new ModelProtocolError('the stream ended before [DONE]');
    return result;
  }
}
