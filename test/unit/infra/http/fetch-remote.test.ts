import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { AllowedEndpoint } from '../../../../src/infra/http/allowlist';
import { openRemote, RemoteFetchError, RemoteTooLargeError, type RemoteOptions } from '../../../../src/infra/http/fetch-remote';
import { createGuardedAgent, type ResolveHost } from '../../../../src/infra/http/guarded-agent';
import { UnsafeUrlError } from '../../../../src/infra/http/url-guard';

interface TestServer {
  port: number;
  hosts: string[];
  close(): Promise<void>;
}

/** A loopback server recording the Host header of every request it receives. */
async function serve(handler: RequestListener): Promise<TestServer> {
  const hosts: string[] = [];
  const server: Server = createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hosts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => server.closeAllConnections()),
  };
}

function options(allow: AllowedEndpoint[], extra: Partial<RemoteOptions> & { resolve?: ResolveHost } = {}): RemoteOptions {
  const { resolve, ...rest } = extra;
  return { allowEndpoints: allow, maxRedirects: 5, timeoutMs: 5_000, deadlineMs: 5_000, maxBytes: 1_000_000, dispatcher: createGuardedAgent({ allow, resolve }), ...rest };
}

async function read(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('fetching a user URL', () => {
  // Stands for anything on loopback that is not allowlisted: it must never see a request.
  let target: TestServer;
  let redirector: TestServer;

  before(async () => {
    target = await serve((_req, res) => res.end('internal'));
    redirector = await serve((req, res) => {
      const to = new URL(req.url!, 'http://x').searchParams.get('to')!;
      res.writeHead(302, { location: to }).end();
    });
  });
  after(async () => {
    await target.close();
    await redirector.close();
  });

  const viaRedirector = (to: string) => new URL(`http://127.0.0.1:${redirector.port}/hop?to=${encodeURIComponent(to)}`);
  const redirectorOnly = (): AllowedEndpoint[] => [{ host: '127.0.0.1', port: redirector.port }];

  test('a redirect chain that ends on loopback is refused at the hop, and the target gets nothing', async () => {
    for (const to of [`http://127.0.0.1:${target.port}/healthz`, `http://2130706433:${target.port}/`, `http://[::ffff:127.0.0.1]:${target.port}/`]) {
      const chain = viaRedirector(viaRedirector(to).href);
      await assert.rejects(openRemote(chain, options(redirectorOnly())), UnsafeUrlError, to);
    }
    assert.deepEqual(target.hosts, []);
  });

  test('a redirect to a name that resolves to loopback is refused when connecting', async () => {
    const resolve: ResolveHost = async () => ['127.0.0.1'];
    await assert.rejects(openRemote(viaRedirector(`http://innocent.example:${target.port}/`), options(redirectorOnly(), { resolve })), /innocent\.example resolves to a refused address: 127\.0\.0\.1/);
    assert.deepEqual(target.hosts, []);
  });

  test('a name that resolves to a public and a private address is refused', async () => {
    const resolve: ResolveHost = async () => ['93.184.215.14', '127.0.0.1'];
    await assert.rejects(openRemote(new URL(`http://rebind.example:${target.port}/`), options([], { resolve })), UnsafeUrlError);
    assert.deepEqual(target.hosts, []);
  });

  test('the connection goes to the address that was vetted: the name is resolved once', async () => {
    let lookups = 0;
    // A rebinding resolver: the first answer is what was checked, later ones point elsewhere.
    const resolve: ResolveHost = async () => (lookups++ === 0 ? ['127.0.0.1'] : ['10.0.0.1']);
    const remote = await openRemote(new URL(`http://pinned.example:${target.port}/a`), options([{ host: 'pinned.example', port: target.port }], { resolve }));
    assert.equal(await read(remote.body), 'internal');
    assert.equal(lookups, 1);
    assert.deepEqual(target.hosts, [`pinned.example:${target.port}`]);
    target.hosts.length = 0;
  });

  test('a source that trickles is cut off at the deadline, however often it sends', async () => {
    const slow = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const started = Date.now();
      const remote = await openRemote(new URL(`http://127.0.0.1:${slow.port}/slow.wav`), options([{ host: '127.0.0.1', port: slow.port }], { deadlineMs: 600 }));
      await assert.rejects(read(remote.body), (err: Error) => err instanceof RemoteFetchError && /600 ms fetch deadline/.test(err.message));
      assert.ok(Date.now() - started < 3_000);
    } finally {
      await slow.close();
    }
  });

  test('a body past the byte cap fails, declared or not', async () => {
    const big = await serve((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': '5000' });
      // Written in parts, the undeclared body goes out chunked: only counting finds its size.
      for (let i = 0; i < 5; i++) res.write('y'.repeat(1000));
      res.end();
    });
    try {
      const allow = [{ host: '127.0.0.1', port: big.port }];
      await assert.rejects(openRemote(new URL(`http://127.0.0.1:${big.port}/declared`), options(allow, { maxBytes: 1000 })), RemoteTooLargeError);
      const chunked = await openRemote(new URL(`http://127.0.0.1:${big.port}/chunked`), options(allow, { maxBytes: 1000 }));
      await assert.rejects(read(chunked.body), RemoteTooLargeError);
    } finally {
      await big.close();
    }
  });
});
