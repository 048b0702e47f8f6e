import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { multipartBody } from '../../../../src/infra/stt/multipart';

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

test('an in-memory body has its length, and the streamed one is the same bytes sent chunked', async () => {
  const fields = [{ name: 'config', value: '{"use_itn":true}' }];
  const inMemory = multipartBody([...fields, { name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: Buffer.from('RIFF-audio') }]);
  const streamed = multipartBody([...fields, { name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: Readable.from([Buffer.from('RIFF-'), Buffer.from('audio')]) }]);
  const boundaryOf = (contentType: string) => contentType.split('boundary=')[1];
  const sent = await bytesOf(inMemory.body);
  assert.equal(Buffer.byteLength(sent), inMemory.length);
  assert.equal(streamed.length, undefined);
  assert.equal((await bytesOf(streamed.body)).replaceAll(boundaryOf(streamed.contentType), 'B'), sent.replaceAll(boundaryOf(inMemory.contentType), 'B'));
  assert.match(sent, /name="file"; filename="a.wav"\r\nContent-Type: audio\/wav\r\n\r\nRIFF-audio\r\n/);
});

test('dispose closes a streamed part the request never read (a vendor answering before the upload)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-multipart-'));
  try {
    writeFileSync(path.join(dir, 'audio.wav'), Buffer.alloc(1 << 20));
    const file = createReadStream(path.join(dir, 'audio.wav'));
    await once(file, 'open');
    const form = multipartBody([{ name: 'file', filename: 'audio.wav', contentType: 'audio/wav', data: file }]);
    const closed = once(file, 'close');
    form.dispose();
    await closed;
    assert.equal(file.destroyed, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
