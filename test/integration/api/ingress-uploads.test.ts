import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { startFakeSttVendor, sttEnv, wav, type FakeVendor } from '../../support/stt';

const ETL_MAX_FILE_BYTES = 5000;
const STT_MAX_UPLOAD_BYTES = 100_000;

interface Answer {
  status: number;
  body: any;
}

describe('ingress: multipart uploads and fetched audio', () => {
  let stack: TestStack;
  let vendor: FakeVendor;
  let audioHost: http.Server;
  let audioBase: string;
  const audioRequests: string[] = [];
  before(async () => {
    // Serves a WAV under any /files/ path and redirects /redirect?to=<path> there, so a stored filename can come from the final URL.
    audioHost = http.createServer((req, res) => {
      audioRequests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://host');
      if (url.pathname === '/redirect') res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      else if (url.pathname.startsWith('/files/')) res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(7));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => audioHost.listen(0, '127.0.0.1', r));
    audioBase = `http://127.0.0.1:${(audioHost.address() as AddressInfo).port}`;
    vendor = await startFakeSttVendor({ processingMs: 200 });
    // An STT worker answers the state query in the POST's response; ETL runs are only started, and just wait.
    const env = sttEnv(vendor, { ETL_MAX_FILE_BYTES: String(ETL_MAX_FILE_BYTES), STT_MAX_UPLOAD_BYTES: String(STT_MAX_UPLOAD_BYTES), FETCH_ALLOW_HOSTS: '127.0.0.1:*' });
    stack = await startTestStack({ config: testConfig(env), queues: ['stt'] });
  });
  after(async () => {
    for await (const run of stack.temporal.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      if (run.taskQueue === stack.config.pipelines.etl.queue.taskQueue || run.taskQueue === stack.config.pipelines.stt.queue.taskQueue) {
        await stack.temporal.workflow.getHandle(run.workflowId).terminate('test done');
      }
    }
    await stack.stop();
    await vendor.stop();
    audioHost.close();
  });

  const root = () => stack.config.storage.rootDir;
  /** Every file under a storage prefix that no job row points at: partials, temp files and orphans alike. */
  const unclaimedFiles = async (dir: string, table: 'etl_jobs' | 'stt_jobs') => {
    const column = table === 'etl_jobs' ? 'input_key' : 'audio_key';
    const { rows } = await stack.pool.query(`SELECT ${column} AS key FROM ${table}`);
    const claimed = new Set(rows.flatMap((r) => [path.basename(r.key), `${path.basename(r.key)}.meta.json`]));
    const full = path.join(root(), dir);
    return existsSync(full) ? readdirSync(full).filter((f) => !claimed.has(f)) : [];
  };
  const jobCount = async (table: string) => (await stack.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const workflowExists = async (id: string) => {
    try {
      await stack.temporal.workflow.getHandle(id).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };

  // A request that is never answered fails here after 10 s instead of hanging the run.
  const send = async (route: string, body: FormData | string | Buffer, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${stack.apiUrl}${route}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const csvForm = (csv: string | Buffer, name = 'videos.csv') => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), name);
    return form;
  };
  const audioForm = (bytes: Buffer, name: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([bytes], { type: 'audio/wav' }), name);
    return form;
  };
  const csvOfSize = (bytes: number) => {
    const header = 'id,title,video_url\n';
    const row = (i: number) => `v${String(i).padStart(5, '0')},Lecture ${i},http://127.0.0.1/v${i}.mp4\n`;
    let csv = header;
    for (let i = 0; csv.length < bytes; i++) csv += row(i);
    return Buffer.from(csv.slice(0, bytes));
  };
  const assertField = (res: Answer, status: number, field: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.errors?.[0]?.field, field, JSON.stringify(res.body));
  };

  test('Idempotency-Key "a:c" on a CSV upload, an audio upload and their JSON forms → 400 naming the header, every request answered', async () => {
    const before = { etl: await jobCount('etl_jobs'), stt: await jobCount('stt_jobs') };
    const headers = { 'idempotency-key': 'a:c' };
    assertField(await send('/api/etl-jobs', csvForm(csvOfSize(2000)), headers), 400, 'headers.idempotency-key');
    assertField(await send('/api/etl-jobs', JSON.stringify({ records: [{ id: 'v1' }] }), { ...headers, 'content-type': 'application/json' }), 400, 'headers.idempotency-key');
    assertField(await send('/api/transcriptions', audioForm(wav(1), 'a.wav'), headers), 400, 'headers.idempotency-key');
    assertField(await send('/api/transcriptions', JSON.stringify({ audioUrl: `${audioBase}/files/a.wav` }), { ...headers, 'content-type': 'application/json' }), 400, 'headers.idempotency-key');
    assert.deepEqual({ etl: await jobCount('etl_jobs'), stt: await jobCount('stt_jobs') }, before);
    assert.deepEqual(await unclaimedFiles('etl/inputs', 'etl_jobs'), []);
    assert.deepEqual(await unclaimedFiles('stt/uploads', 'stt_jobs'), []);
  });

  test(`a CSV over ETL_MAX_FILE_BYTES (${ETL_MAX_FILE_BYTES}) → 413 naming file; nothing stored or started; exactly the limit is accepted whole`, async () => {
    for (const [key, size] of [
      ['csv-13kb', 13_000],
      ['csv-limit-plus-1', ETL_MAX_FILE_BYTES + 1],
      ['csv-3mb', 3_000_000],
    ] as const) {
      const res = await send('/api/etl-jobs', csvForm(csvOfSize(size)), { 'idempotency-key': key });
      assertField(res, 413, 'file');
      assert.equal(await workflowExists(`etl-${key}`), false);
      assert.equal((await stack.pool.query('SELECT 1 FROM etl_jobs WHERE id = $1', [`etl-${key}`])).rowCount, 0);
      assert.deepEqual(await unclaimedFiles('etl/inputs', 'etl_jobs'), []);
    }
    const exact = await send('/api/etl-jobs', csvForm(csvOfSize(ETL_MAX_FILE_BYTES)), { 'idempotency-key': 'csv-at-limit' });
    assert.equal(exact.status, 202, JSON.stringify(exact.body));
    const { rows } = await stack.pool.query('SELECT input_key FROM etl_jobs WHERE id = $1', ['etl-csv-at-limit']);
    assert.equal(statSync(path.join(root(), rows[0].input_key)).size, ETL_MAX_FILE_BYTES);
  });

  test('multipart without a boundary, or cut short → 400 on every upload route', async () => {
    for (const route of ['/api/etl-jobs', '/api/transcriptions']) {
      const noBoundary = await send(route, '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc\r\n--x--\r\n', { 'content-type': 'multipart/form-data' });
      assertField(noBoundary, 400, 'body');
      const cutShort = await send(route, '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nid,title\r\n', { 'content-type': 'multipart/form-data; boundary=x' });
      assertField(cutShort, 400, 'body');
      const noFile = await send(route, '--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nabc\r\n--x--\r\n', { 'content-type': 'multipart/form-data; boundary=x' });
      assertField(noFile, 400, 'file');
    }
    assert.deepEqual(await unclaimedFiles('etl/inputs', 'etl_jobs'), []);
    assert.deepEqual(await unclaimedFiles('stt/uploads', 'stt_jobs'), []);
  });

  test('50 concurrent CSV uploads with one Idempotency-Key → one job, one stored input, every request answered', async () => {
    const csv = csvOfSize(3000);
    const answers = await Promise.all(Array.from({ length: 50 }, () => send('/api/etl-jobs', csvForm(csv), { 'idempotency-key': 'race-etl' })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array(49).fill(200), 202].sort());
    assert.ok(answers.every((a) => a.body.id === 'etl-race-etl'));
    const { rows } = await stack.pool.query('SELECT input_key FROM etl_jobs WHERE id = $1', ['etl-race-etl']);
    assert.equal(rows.length, 1);
    const runs = [];
    for await (const run of stack.temporal.workflow.list({ query: 'WorkflowId = "etl-race-etl"' })) runs.push(run);
    assert.equal(runs.length, 1);
    assert.deepEqual(await unclaimedFiles('etl/inputs', 'etl_jobs'), []);
    assert.ok(existsSync(path.join(root(), rows[0].input_key)));
  });

  test('20 concurrent audio uploads with one Idempotency-Key → one transcription, one stored file', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => send('/api/transcriptions', audioForm(wav(3), 'race.wav'), { 'idempotency-key': 'race-stt' })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array(19).fill(200), 202].sort());
    assert.equal((await stack.pool.query('SELECT 1 FROM stt_jobs WHERE id = $1', ['stt-race-stt'])).rowCount, 1);
    assert.deepEqual(await unclaimedFiles('stt/uploads', 'stt_jobs'), []);
  });

  // The name of an audioUrl's file comes from the URL given (the API does not fetch it, so a redirect cannot rename it).
  test('an audio filename with a NUL, from an upload or an audioUrl → 400 naming it; nothing stored', async () => {
    const before = await jobCount('stt_jobs');
    // A raw NUL breaks the part header itself; an RFC 5987 encoded one decodes into the name.
    assertField(await send('/api/transcriptions', audioForm(wav(4), 'a\u0000b.wav')), 400, 'body');
    const encoded = Buffer.concat([
      Buffer.from(`--x\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00b.wav\r\nContent-Type: audio/wav\r\n\r\n`),
      wav(4),
      Buffer.from('\r\n--x--\r\n'),
    ]);
    assertField(await send('/api/transcriptions', encoded, { 'content-type': 'multipart/form-data; boundary=x' }), 400, 'file');
    assertField(await send('/api/transcriptions', audioForm(wav(4), 'a.wav', { domain: 'GENERAL\u0000' })), 400, 'body.domain');
    const json = { 'content-type': 'application/json' };
    assertField(await send('/api/transcriptions', JSON.stringify({ audioUrl: `${audioBase}/files/a%00b.wav` }), json), 400, 'body.audioUrl');
    assert.equal(await jobCount('stt_jobs'), before);
    assert.deepEqual(await unclaimedFiles('stt/uploads', 'stt_jobs'), []);
  });

  test('an audioUrl with a malformed percent-escape → 400 naming it; nothing stored', async () => {
    const before = await jobCount('stt_jobs');
    const json = { 'content-type': 'application/json' };
    assertField(await send('/api/transcriptions', JSON.stringify({ audioUrl: `${audioBase}/files/%E0%A4%A.mp4` }), json), 400, 'body.audioUrl');
    assert.equal(await jobCount('stt_jobs'), before);
    assert.deepEqual(await unclaimedFiles('stt/uploads', 'stt_jobs'), []);
    // A well-formed escape still names the file.
    const ok = await send('/api/transcriptions', JSON.stringify({ audioUrl: `${audioBase}/files/%EA%B0%95%EC%9D%98.wav` }), { ...json, 'idempotency-key': 'escaped-name' });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(ok.body.filename, '강의.wav');
  });

  test('a client that goes away mid-upload leaves no stored input, no temp file and no job', async () => {
    const url = new URL(`${stack.apiUrl}/api/etl-jobs`);
    const head = '--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n';
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '4900', 'idempotency-key': 'went-away' } });
    req.on('error', () => undefined);
    req.write(head);
    req.write(csvOfSize(3000));
    // The API is storing the file (its temp file exists) when the connection drops.
    await waitUntil('the upload to be on its way into storage', async () => (await unclaimedFiles('etl/inputs', 'etl_jobs')).length > 0, 5000);
    req.destroy();
    await waitUntil('the half-stored upload to be gone', async () => (await unclaimedFiles('etl/inputs', 'etl_jobs')).length === 0, 5000);
    assert.equal((await stack.pool.query('SELECT 1 FROM etl_jobs WHERE id = $1', ['etl-went-away'])).rowCount, 0);
    assert.equal(await workflowExists('etl-went-away'), false);
  });

  test('an upload whose storage fails is answered (500), with no job and no run', async () => {
    // A plain file where the inputs directory belongs: every write below it fails at once.
    mkdirSync(root(), { recursive: true });
    rmSync(path.join(root(), 'etl'), { recursive: true, force: true });
    writeFileSync(path.join(root(), 'etl'), 'not a directory');
    try {
      const res = await send('/api/etl-jobs', csvForm(csvOfSize(4000)), { 'idempotency-key': 'store-fails' });
      assert.equal(res.status, 500, JSON.stringify(res.body));
      assert.equal(await workflowExists('etl-store-fails'), false);
      assert.equal((await stack.pool.query('SELECT 1 FROM etl_jobs WHERE id = $1', ['etl-store-fails'])).rowCount, 0);
    } finally {
      rmSync(path.join(root(), 'etl'), { force: true });
    }
  });
});
