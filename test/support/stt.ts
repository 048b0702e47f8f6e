import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeSttVendor } from '../../devtools/fake-stt-vendor';
import type { TestStack } from './stack';
import { waitUntil } from './stack';

export type FakeVendor = Awaited<ReturnType<typeof startFakeSttVendor>>;
export { startFakeSttVendor };

/** A small valid WAV file (PCM, 8 kHz mono) whose samples depend on `seed`, so each upload differs. */
export function wav(seed: number, samples = 4000): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((i * (seed + 1)) / 10)), i * 2);
  return Buffer.concat([header, data]);
}

export async function upload(
  stack: Pick<TestStack, 'apiUrl'>,
  file: { bytes: Buffer; name: string; type?: string } | undefined,
  opts: { key?: string; fields?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(opts.fields ?? {})) form.append(k, v);
  if (file) form.append('file', new Blob([file.bytes], { type: file.type ?? 'audio/wav' }), file.name);
  const res = await fetch(`${stack.apiUrl}/api/transcriptions`, { method: 'POST', body: form, headers: opts.key ? { 'idempotency-key': opts.key } : {} });
  return { status: res.status, body: await res.json() };
}

export async function getTranscription(stack: Pick<TestStack, 'apiUrl'>, id: string): Promise<any> {
  return (await fetch(`${stack.apiUrl}/api/transcriptions/${id}`)).json();
}

export async function waitForTranscription(stack: Pick<TestStack, 'apiUrl'>, id: string, status: string, timeoutMs = 60_000): Promise<any> {
  return waitUntil(
    `transcription ${id} to be ${status}`,
    async () => {
      const view = await getTranscription(stack, id);
      if (view.status === status) return view;
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(view.status)) throw new Error(`transcription ended ${view.status} (${view.error}), wanted ${status}`);
      return undefined;
    },
    timeoutMs,
  );
}

/**
 * Stack settings that make the STT pipeline quick to test against a fake vendor, with either
 * provider: `STT_PROVIDER: 'openai'` in `extra` selects the fake's OpenAI-compatible route.
 */
export function sttEnv(vendor: FakeVendor, extra: Record<string, string> = {}): Record<string, string> {
  return { STT_VENDOR_URL: vendor.url, STT_OPENAI_BASE_URL: `${vendor.url}/v1`, STT_POLL_INTERVAL_MS: '300', STT_BACKOFF_BASE_MS: '500', ...extra };
}

/**
 * Calls `kill` (which must signal before its first await) at a moment when every upload the vendor
 * accepted has its job id recorded (`recorded` counts them) and no other can be accepted unseen:
 * new submits hang at the vendor meanwhile, and none is between its arrival and the vendor's answer.
 * A kill between the vendor's answer and the commit of its id submits that audio again on retry,
 * and no client can close that window against a vendor without idempotency keys (RTZR has none):
 * a test that asks for one submit per job kills elsewhere. The vendor must run in this process.
 */
export async function killWithEverySubmitRecorded(vendor: FakeVendor, recorded: () => Promise<number>, kill: () => Promise<void>): Promise<void> {
  const hang = vendor.admin.options().hang;
  vendor.admin.configure({ hang: 'submit' });
  let killed: Promise<void> | undefined;
  try {
    await waitUntil(
      'a moment when every accepted upload is recorded',
      async () => {
        const before = vendor.admin.stats().submits.total;
        const n = await recorded();
        const now = vendor.admin.stats();
        if (now.uploadsInProgress > 0 || now.submits.total !== before || n !== before) return undefined;
        killed = kill();
        return true;
      },
      60_000,
    );
    await killed;
    // Uploads the killed processes sent whole before dying can still sit unread in this process's
    // sockets; the vendor must read them (and hang them) before submits are accepted again.
    await sleep(500);
  } finally {
    vendor.admin.configure({ hang });
  }
}
