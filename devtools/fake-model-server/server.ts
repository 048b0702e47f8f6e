import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { completionFor, invalidCompletionFor, promptTokens, tokenize, type ChatMessageIn } from './completion';
import { FakeModelServerOptionsError } from './options';
import type { FakeModelServerState } from './state';

/**
 * The HTTP face of the fake model server: OpenAI's `POST /v1/chat/completions` (streaming SSE or
 * one JSON answer) and a small admin API under /admin. Every decision is the state's.
 */

const BODY_LIMIT_BYTES = 1024 * 1024;

interface ChatBody {
  model?: string;
  messages?: ChatMessageIn[];
  stream?: boolean;
  response_format?: { type?: string };
}

export function createFakeModelServerHandler(state: FakeModelServerState): http.RequestListener {
  return (req, res) => {
    route(state, req, res).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: err.message, type: 'server_error' } });
      else res.destroy(err);
    });
  };
}

async function route(state: FakeModelServerState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake-model-server');
  const method = req.method ?? 'GET';
  if (method === 'POST' && url.pathname === '/v1/chat/completions') return chat(state, req, res);
  if (method === 'GET' && url.pathname === '/v1/models') return sendJson(res, 200, { object: 'list', data: [{ id: 'eco-feedback-1', object: 'model' }] });
  if (url.pathname.startsWith('/admin/')) return admin(state, method, url.pathname, req, res);
  sendJson(res, 404, { error: { message: `no route ${method} ${url.pathname}`, type: 'invalid_request_error' } });
}

function parseChat(text: string): ChatBody | string {
  let body: ChatBody;
  try {
    body = JSON.parse(text) as ChatBody;
  } catch {
    return 'body is not JSON';
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: required, a non-empty array';
  if (body.messages.some((m) => typeof m?.content !== 'string' || typeof m?.role !== 'string')) return 'messages: each needs a role and string content';
  return body;
}

async function chat(state: FakeModelServerState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const key = state.options.apiKey;
  if (key && req.headers.authorization !== `Bearer ${key}`) {
    return sendJson(res, 401, { error: { message: 'invalid api key', type: 'invalid_request_error', code: 'invalid_api_key' } });
  }
  const body = parseChat(await readText(req));
  if (typeof body === 'string') return sendJson(res, 400, { error: { message: body, type: 'invalid_request_error' } });
  const stream = body.stream === true;
  const admission = state.admit(stream);
  if (admission.kind !== 'answer') {
    const status = admission.kind === 'rate_limited' ? 429 : 503;
    const message = admission.kind === 'rate_limited' ? 'too many concurrent requests' : 'the model is overloaded';
    // OpenAI's code for a concurrency limit: the client learns a lower cap from it rather than only pausing.
    const code = admission.kind === 'rate_limited' ? 'too_many_concurrent_requests' : 'overloaded';
    return sendJson(res, status, { error: { message, type: admission.kind, code } }, { 'retry-after': String(admission.retryAfterSeconds) });
  }
  const messages = body.messages!;
  const structured = body.response_format?.type === 'json_schema' || body.response_format?.type === 'json_object';
  const content = admission.invalidJson ? invalidCompletionFor(messages) : completionFor(messages, structured);
  const tokens = tokenize(content);
  const usage = { prompt_tokens: promptTokens(messages), completion_tokens: tokens.length, total_tokens: promptTokens(messages) + tokens.length };
  let completed = false;
  const startedAt = Date.now();
  try {
    const model = body.model ?? 'eco-feedback-1';
    if (!stream) {
      await sleep(state.options.tokenLatencyMs * tokens.length);
      sendJson(res, 200, { id: 'chatcmpl-fake', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage });
      completed = true;
      return;
    }
    completed = await streamAnswer(state, req, res, { model, tokens, usage, malformed: admission.malformed, hang: admission.hang });
  } finally {
    state.finish({ completed, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, elapsedMs: Date.now() - startedAt });
  }
}

/** Streams the tokens in chunks; true when the client got the whole answer and [DONE]. */
async function streamAnswer(
  state: FakeModelServerState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  answer: { model: string; tokens: string[]; usage: Record<string, number>; malformed: boolean; hang: boolean },
): Promise<boolean> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let gone = false;
  res.once('close', () => (gone = true));
  const chunk = (delta: Record<string, unknown>, finish: string | null, usage: unknown = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model: answer.model, choices: [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  const half = Math.floor(answer.tokens.length / 2);
  const per = state.options.tokensPerChunk;
  for (let i = 0; i < answer.tokens.length && !gone; i += per) {
    if (answer.hang && i >= half) {
      // Holds the connection open, sending nothing, until the client gives up.
      await new Promise<void>((resolve) => (gone ? resolve() : res.once('close', () => resolve())));
      return false;
    }
    await sleep(state.options.tokenLatencyMs * per);
    if (answer.malformed && i >= half) {
      res.end('data: {"choices": [{"delta": {"content": \n\n');
      return false;
    }
    res.write(chunk({ content: answer.tokens.slice(i, i + per).join('') }, null));
  }
  if (gone) return false;
  res.write(chunk({}, 'stop'));
  // stream_options.include_usage: a last chunk with empty choices carries the usage.
  res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model: answer.model, choices: [], usage: answer.usage })}\n\n`);
  res.end('data: [DONE]\n\n');
  req.resume();
  return true;
}

async function admin(state: FakeModelServerState, method: string, path: string, req: http.IncomingMessage, res: http.ServerResponse) {
  if (method === 'GET' && path === '/admin/stats') return sendJson(res, 200, state.stats());
  if (method === 'GET' && path === '/admin/config') return sendJson(res, 200, state.options);
  if (method === 'POST' && path === '/admin/config') {
    try {
      return sendJson(res, 200, state.configure(JSON.parse((await readText(req)) || '{}')));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof FakeModelServerOptionsError) return sendJson(res, 400, { error: { message: err.message } });
      throw err;
    }
  }
  if (method === 'POST' && path === '/admin/reset') {
    state.reset();
    return sendJson(res, 200, { reset: true });
  }
  sendJson(res, 404, { error: { message: `no admin route ${method} ${path}` } });
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
