/** Starting and stopping a stand-in's HTTP server on 127.0.0.1, the same way for each of them. */
import type http from 'node:http';

/** Listens on 127.0.0.1 (on `port`, or a free one) and resolves with the port it got. */
export async function listenLocally(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`the server listens on ${address}, not a port`);
  return address.port;
}

/** Closes the server, cutting keep-alive connections rather than waiting for clients to hang up. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
