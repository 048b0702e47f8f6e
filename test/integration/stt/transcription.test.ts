import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { getTranscription, startFakeSttVendor, sttEnv, upload, wav, waitForTranscription, type FakeVendor } from '../../support/stt';


/** Sends `bytes` in ten parts spread over `ms`. */
function trickle(res: http.ServerResponse, bytes: Buffer, ms: number): void {
  res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(bytes.length) });
  const part = Math.ceil(bytes.length / 10);
  let sent = 0;
  const timer = setInterval(() => {
    res.write(bytes.subarray(sent, sent + part));
    sent += part;
    if (sent >= bytes.length) {
      clearInterval(timer);
      res.end();
    }
  }, ms / 10);
  res.on('close', () => clearInterval(timer));
}

describe('a transcription end to end', () => {
  let vendor: FakeVendor;
  let stack: TestStack;
  let audioHost: http.Server;
  let audioBase: string;
  // Stands for a service on loopback that is not allowlisted: it counts what reaches it.
  let internal: http.Server;
  let internalPort: number;
  let internalRequests = 0;
  before(async () => {
    vendor = await startFakeSttVendor({ processingMs: 600 });
    internal = http.createServer((_req, res) => {
      internalRequests += 1;
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(7));
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    internalPort = (internal.address() as AddressInfo).port;
    // A host serving audio by URL; its port, and only that, is on the fetch allowlist.
    audioHost = http.createServer((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/files/lecture.wav' }).end();
      else if (req.url === '/to-internal') res.writeHead(302, { location: `http://127.0.0.1:${internalPort}/files/lecture.wav` }).end();
      else if (req.url === '/to-localhost') res.writeHead(302, { location: `http://localhost:${internalPort}/files/lecture.wav` }).end();
      else if (req.url === '/files/lecture.wav') res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(42));
      else if (req.url === '/files/slow.wav') trickle(res, wav(43), 2_000);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => audioHost.listen(0, '127.0.0.1', r));
    audioBase = `http://127.0.0.1:${(audioHost.address() as AddressInfo).port}`;
    stack = await startTestStack({ config: testConfig(sttEnv(vendor, { FETCH_ALLOW_HOSTS: `127.0.0.1:${new URL(audioBase).port}`, STT_MAX_UPLOAD_BYTES: '100000' })), queues: ['stt'] });
  });
  after(async () => {
    await stack.stop();
    await vendor.stop();
    audioHost.close();
    internal.close();
  });

  const storedUploads = async () => {
    const { rows } = await stack.pool.query(`SELECT audio_key FROM stt_jobs WHERE audio_key IS NOT NULL`);
    const known = new Set(rows.map((r) => path.basename(r.audio_key)));
    const dir = path.join(stack.config.storage.rootDir, 'stt', 'uploads');
    return existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.meta.json') && !known.has(f)) : [];
  };

  const postUrl = async (audioUrl: string, key?: string) => {
    const res = await fetch(`${stack.apiUrl}/api/transcriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ audioUrl, speakerCount: 2 }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  test('{audioUrl} is fetched by the workflow (following a redirect), stored and transcribed', async () => {
    const { status, body } = await postUrl(`${audioBase}/moved`, 'by-url');
    assert.equal(status, 202, JSON.stringify(body));
    assert.equal(body.filename, 'moved');
    const done = await waitForTranscription(stack, body.id, 'COMPLETED');
    assert.equal(done.sizeBytes, wav(42).length);
    assert.equal(vendor.admin.stats().submits.byFilename[`${body.id}`], 1);
  });

  test('a slow source never holds the request: 202 at once, phase fetching_audio, then transcribed', async () => {
    const started = Date.now();
    const { status, body } = await postUrl(`${audioBase}/files/slow.wav`, 'slow-source');
    assert.equal(status, 202, JSON.stringify(body));
    assert.ok(Date.now() - started < 1_500, `answered after ${Date.now() - started} ms`);
    assert.equal(body.sizeBytes, null);
    await waitUntil('phase fetching_audio', async () => ((await getTranscription(stack, body.id)).phase === 'fetching_audio' ? true : undefined), 10_000);
    const done = await waitForTranscription(stack, body.id, 'COMPLETED');
    assert.equal(done.sizeBytes, wav(43).length);
  });

  const refusedByApi: Array<[string, () => string]> = [
    ['a loopback address that is not allowlisted', () => `http://127.0.0.1:${internalPort}/files/lecture.wav`],
    ['loopback as a decimal number', () => `http://2130706433:${internalPort}/files/lecture.wav`],
    ['loopback as an IPv4-mapped IPv6 address', () => `http://[::ffff:127.0.0.1]:${internalPort}/files/lecture.wav`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data'],
    ['a file: URL', () => 'file:///etc/passwd'],
  ];
  for (const [name, url] of refusedByApi) {
    test(`{audioUrl} with ${name} → 400 naming body.audioUrl; nothing stored, nothing requested`, async () => {
      const before = (await stack.pool.query('SELECT count(*)::int AS n FROM stt_jobs')).rows[0].n;
      const { status, body } = await postUrl(url());
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.errors[0].field, 'body.audioUrl');
      assert.equal((await stack.pool.query('SELECT count(*)::int AS n FROM stt_jobs')).rows[0].n, before);
      assert.equal(internalRequests, 0);
    });
  }

  // What only resolving or fetching tells: the job is accepted, then FAILED with the reason.
  const refusedByFetch: Array<[string, () => string, RegExp]> = [
    ['a name that resolves to loopback', () => `http://localhost:${internalPort}/files/lecture.wav`, /localhost resolves to a refused address/],
    ['a redirect to a loopback address', () => `${audioBase}/to-internal`, /is refused: 127\.0\.0\.1 is not a public address/],
    ['a redirect to a name on loopback', () => `${audioBase}/to-localhost`, /localhost resolves to a refused address/],
    ['a URL that answers 404', () => `${audioBase}/files/missing.wav`, /answered HTTP 404/],
  ];
  for (const [name, url, reason] of refusedByFetch) {
    test(`{audioUrl} with ${name} → 202, then FAILED with the reason; nothing requested from loopback`, async () => {
      const { status, body } = await postUrl(url());
      assert.equal(status, 202, JSON.stringify(body));
      const failed = await waitForTranscription(stack, body.id, 'FAILED');
      assert.equal(failed.phase, 'failed');
      assert.match(failed.error, reason);
      assert.equal(internalRequests, 0);
    });
  }

  test('upload → submit once → poll → utterances stored, as JSON, text and SRT', async () => {
    const { status, body } = await upload(stack, { bytes: wav(1), name: 'meeting.wav' }, { key: 'meeting-1' });
    assert.equal(status, 202, JSON.stringify(body));
    assert.equal(body.id, 'stt-meeting-1');
    const done = await waitForTranscription(stack, body.id, 'COMPLETED');
    assert.equal(done.phase, 'completed');
    assert.ok(done.vendorJobId);
    assert.equal(vendor.admin.stats().submits.byFilename['stt-meeting-1.wav'], 1);

    const json = (await (await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}/transcript`)).json()) as any;
    assert.ok(json.utterances.length >= 2);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM stt_utterances WHERE job_id = $1`, [body.id]);
    assert.equal(rows[0].n, json.utterances.length);
    const text = await (await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}/transcript`, { headers: { accept: 'text/plain' } })).text();
    assert.match(text, /^Speaker \d: /);
    const srt = await (await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}/transcript?format=srt`)).text();
    assert.match(srt, /^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
  });

  test('PostgreSQL lost between the vendor accepting the audio and the id being recorded: the retry records that id, one submit', async () => {
    const key = `record-lost-${Date.now()}`;
    const jobId = `stt-${key}`;
    // The first attempt to record this job's vendor id fails as a server shutdown would. A sequence is
    // not rolled back with the failed transaction, so only that first attempt fails.
    const names = { seq: `lose_once_${Date.now()}`, fn: `lose_once_fn_${Date.now()}`, trg: `lose_once_trg_${Date.now()}` };
    await stack.pool.query(`CREATE SEQUENCE ${names.seq}`);
    await stack.pool.query(`CREATE FUNCTION ${names.fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${jobId}' AND NEW.vendor_job_id IS NOT NULL AND OLD.vendor_job_id IS NULL AND nextval('${names.seq}') = 1 THEN
          RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';
        END IF;
        RETURN NEW;
      END $$`);
    await stack.pool.query(`CREATE TRIGGER ${names.trg} BEFORE UPDATE ON stt_jobs FOR EACH ROW EXECUTE FUNCTION ${names.fn}()`);
    try {
      const { status, body } = await upload(stack, { bytes: wav(7), name: 'lost.wav' }, { key });
      assert.equal(status, 202, JSON.stringify(body));
      await waitForTranscription(stack, jobId, 'COMPLETED');
      const { rows } = await stack.pool.query(`SELECT nextval('${names.seq}')::int AS n`);
      assert.ok(rows[0].n > 2, 'the first attempt to record the vendor id failed');
      assert.equal(vendor.admin.stats().submits.byFilename[`${jobId}.wav`], 1, 'the audio went to the vendor once');
      assert.equal((await getTranscription(stack, jobId)).submitsInDoubt, 0, 'the answer was kept (heartbeat details), so no submit is in doubt');
    } finally {
      await stack.pool.query(`DROP TRIGGER IF EXISTS ${names.trg} ON stt_jobs`);
      await stack.pool.query(`DROP FUNCTION IF EXISTS ${names.fn}()`);
      await stack.pool.query(`DROP SEQUENCE IF EXISTS ${names.seq}`);
    }
  });

  test('the same Idempotency-Key returns the same job and stores nothing new', async () => {
    const again = await upload(stack, { bytes: wav(1), name: 'meeting.wav' }, { key: 'meeting-1' });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, 'stt-meeting-1');
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM stt_jobs WHERE id = 'stt-meeting-1'`);
    assert.equal(rows[0].n, 1);
    assert.equal(vendor.admin.stats().submits.byFilename['stt-meeting-1.wav'], 1);
  });

  const badUploads: Array<[string, Parameters<typeof upload>[1], number, string]> = [
    ['a PNG renamed .wav', { bytes: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), name: 'x.wav' }, 415, 'file'],
    ['an empty file', { bytes: Buffer.alloc(0), name: 'empty.wav' }, 400, 'file'],
    ['no file at all', undefined, 400, 'file'],
    ['a file over the size limit', { bytes: wav(5, 100_000), name: 'long.wav' }, 413, 'file'],
  ];
  for (const [name, file, expected, field] of badUploads) {
    test(`${name} → ${expected} naming ${field}; nothing stored or started`, async () => {
      const before = (await stack.pool.query('SELECT count(*)::int AS n FROM stt_jobs')).rows[0].n;
      const res = await upload(stack, file, { fields: { diarization: 'true' } });
      assert.equal(res.status, expected, JSON.stringify(res.body));
      assert.equal(res.body.errors[0].field, field);
      assert.equal((await stack.pool.query('SELECT count(*)::int AS n FROM stt_jobs')).rows[0].n, before);
      assert.deepEqual(await storedUploads(), [], 'no audio left in storage');
    });
  }

  test('a bad option names the field', async () => {
    const res = await upload(stack, { bytes: wav(2), name: 'a.wav' }, { fields: { speakerCount: 'many' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'body.speakerCount');
  });

  test('an unknown transcription is 404', async () => {
    assert.equal((await getTranscription(stack, 'stt-nope')).status, 404);
  });
});
