import http from 'node:http';

export class ListenError extends Error {
  override name = 'ListenError';
}

/** Listens or fails with one line naming the setting that chose the port. */
export function listen(handler: http.RequestListener, host: string, port: number, setting: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new ListenError(`${setting}: port ${port} is already in use`) : err);
    });
    server.listen(port, host, () => resolve(server));
  });
}

export function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive and SSE connections would hold close() open forever.
    server.closeAllConnections();
  });
}
