import { createHash } from 'node:crypto';
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Upload } from './jobs';
import { finishTranscription, startTranscription } from './openai-compatible';
import { FakeSttVendorOptionsError, type VendorRoute } from './options';
import type { FakeSttVendorState, VendorReply } from './state';

/**
 * The HTTP face of the fake vendor: RTZR's routes under /v1, the OpenAI-compatible
 * /v1/audio/transcriptions, and a small admin API under /admin. Parsing (and the synchronous
 * route's wait) stays here; every decision is the state's.
 */

// Form fields and multipart framing on top of the file itself.
const FORM_OVERHEAD_BYTES = 1024 * 1024;
const ADMIN_BODY_LIMIT_BYTES = 64 * 1024;

type Body = { bytes: Buffer; truncated: boolean };

export function createFakeSttVendorHandler(state: FakeSttVendorState): http.RequestListener {
  return (req, res) => {
    route(state, req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, { status: 500, body: { code: 'E500', msg: err.message } });
      else res.destroy(err);
    });
  };
}

async function route(state: FakeSttVendorState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake-stt-vendor');
  const method = req.method ?? 'GET';
  const pollMatch = /^\/v1\/transcribe\/([^/]+)$/.exec(url.pathname);
  if (method === 'POST' && url.pathname === '/v1/authenticate') {
    if (hang(state, 'authenticate', req)) return;
    const form = await readForm(req, await readBody(req, ADMIN_BODY_LIMIT_BYTES));
    return send(res, state.authenticate({ clientId: formString(form, 'client_id'), clientSecret: formString(form, 'client_secret') }));
  }
  if (method === 'POST' && url.pathname === '/v1/transcribe') {
    if (hang(state, 'submit', req)) return;
    const reply = await whileUploading(state, async () => {
      const { upload, form } = await readUpload(state, req);
      return state.submit({ authorization: req.headers.authorization, upload, config: formString(form, 'config') });
    });
    return send(res, reply);
  }
  if (method === 'POST' && url.pathname === '/v1/audio/transcriptions') {
    if (hang(state, 'transcriptions', req)) return;
    // The job exists (or was refused) once it is started; what follows is its answer's delivery.
    const started = await whileUploading(state, async () => {
      const { upload, form } = await readUpload(state, req);
      return startTranscription(state, {
        authorization: req.headers.authorization,
        upload,
        model: formString(form, 'model'),
        responseFormat: formString(form, 'response_format'),
        language: formString(form, 'language'),
      });
    });
    if ('reply' in started) return send(res, started.reply);
    // The job runs to the end even if the client hangs up, as a real server's would.
    await sleep(started.waitMs);
    return send(res, finishTranscription(state, started));
  }
  if (method === 'GET' && pollMatch) {
    if (hang(state, 'poll', req)) return;
    return send(res, state.poll({ authorization: req.headers.authorization, jobId: decodeURIComponent(pollMatch[1]) }));
  }
  if (url.pathname.startsWith('/admin/')) return admin(state, method, url.pathname, req, res);
  send(res, { status: 404, body: { code: 'H0004', msg: `no route ${method} ${url.pathname}` } });
}

/** A hung route reads the request (so the client's upload completes) and then never answers. */
/** Counts an upload from its arrival until `receive` has created its job or refused it (stats: uploadsInProgress). */
async function whileUploading<T>(state: FakeSttVendorState, receive: () => Promise<T>): Promise<T> {
  state.uploadStarted();
  try {
    return await receive();
  } finally {
    state.uploadAnswered();
  }
}

function hang(state: FakeSttVendorState, vendorRoute: VendorRoute, req: http.IncomingMessage): boolean {
  if (!state.hangs(vendorRoute)) return false;
  req.resume();
  return true;
}

async function admin(state: FakeSttVendorState, method: string, path: string, req: http.IncomingMessage, res: http.ServerResponse) {
  if (method === 'GET' && path === '/admin/stats') return send(res, { status: 200, body: state.stats() });
  if (method === 'GET' && path === '/admin/config') return send(res, { status: 200, body: state.options });
  if (method === 'POST' && path === '/admin/config') {
    const body = await readBody(req, ADMIN_BODY_LIMIT_BYTES);
    try {
      return send(res, { status: 200, body: state.configure(JSON.parse(body.bytes.toString('utf8') || '{}')) });
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof FakeSttVendorOptionsError) {
        return send(res, { status: 400, body: { code: 'H0001', msg: err.message } });
      }
      throw err;
    }
  }
  if (method === 'POST' && path === '/admin/reset') {
    state.reset();
    return send(res, { status: 200, body: { reset: true } });
  }
  if (method === 'POST' && path === '/admin/expire-tokens') {
    state.expireTokens();
    return send(res, { status: 200, body: { expired: true } });
  }
  send(res, { status: 404, body: { code: 'H0004', msg: `no admin route ${method} ${path}` } });
}

/** A multipart upload's `file` (as its digest and size) and the rest of its form. */
async function readUpload(state: FakeSttVendorState, req: http.IncomingMessage): Promise<{ upload: Upload; form?: FormData }> {
  const body = await readBody(req, state.options.maxFileBytes + FORM_OVERHEAD_BYTES);
  if (body.truncated) return { upload: 'too-large' };
  const form = await readForm(req, body);
  const file = form?.get('file');
  if (!file || typeof file === 'string') return { upload: 'missing', form };
  const bytes = Buffer.from(await file.arrayBuffer());
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { upload: { sha256, sizeBytes: bytes.length, filename: file.name || 'unnamed' }, form };
}

/** Buffers the body up to `limit` bytes; beyond it the rest is drained and dropped. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) truncated = true;
    else chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), truncated };
}

/** Multipart or URL-encoded, through the web-standard parser built into Node; undefined when unparsable. */
async function readForm(req: http.IncomingMessage, body: Body): Promise<FormData | undefined> {
  const contentType = req.headers['content-type'] ?? '';
  try {
    return await new Response(body.bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
}

function formString(form: FormData | undefined, name: string): string | undefined {
  const value = form?.get(name);
  return typeof value === 'string' ? value : undefined;
}

function send(res: http.ServerResponse, reply: VendorReply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}
