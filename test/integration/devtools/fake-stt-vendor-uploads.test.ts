import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { startFakeSttVendor, wav } from '../../support/stt';
import { waitUntil } from '../../support/stack';

const BOUNDARY = 'upload-gauge-boundary';

/** Opens a submit whose multipart body is sent in two halves; answers when to send the rest, and the status. */
function halfSentSubmit(url: string, token: string): { sendRest: () => void; status: Promise<number> } {
  const body = Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="gauge.wav"\r\ncontent-type: audio/wav\r\n\r\n`),
    wav(5),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  const req = http.request(`${url}/v1/transcribe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': body.length },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, body.length / 2));
  return { sendRest: () => req.end(body.subarray(body.length / 2)), status };
}

test('the fake vendor counts uploads between arrival and answer, so a test can tell when none can be accepted unseen; hung ones are not among them', async () => {
  const vendor = await startFakeSttVendor();
  try {
    const auth = await fetch(`${vendor.url}/v1/authenticate`, { method: 'POST', body: new URLSearchParams({ client_id: 'acct', client_secret: 'secret' }) });
    const { access_token: token } = (await auth.json()) as { access_token: string };

    const upload = halfSentSubmit(vendor.url, token);
    await waitUntil('the upload to arrive', async () => vendor.admin.stats().uploadsInProgress === 1, 10_000);
    assert.equal(vendor.admin.stats().submits.total, 0, 'half an upload is no job yet');
    upload.sendRest();
    assert.equal(await upload.status, 200);
    assert.deepEqual([vendor.admin.stats().uploadsInProgress, vendor.admin.stats().submits.total], [0, 1]);

    vendor.admin.configure({ hang: 'submit' });
    const hung = halfSentSubmit(vendor.url, token);
    await waitUntil('the upload to hang', async () => vendor.admin.stats().hungRequests === 1, 10_000);
    hung.sendRest();
    hung.status.catch(() => undefined);
    assert.deepEqual([vendor.admin.stats().uploadsInProgress, vendor.admin.stats().submits.total], [0, 1]);
  } finally {
    await vendor.stop();
  }
});
