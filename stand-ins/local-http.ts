/** Starting and stopping a stand-in's HTTP server on 127.0.0.1, the same way for each of them. */
import type http from 'node:http';
import { listen } from '../http/listen';

/** Listens on 127.0.0.1 (on `port`, or a free one) and resolves with the port it got. */
export async function listenLocally(server: http.Server, port = 0): Promise<number> {
  return (await listen(server, port, '127.0.0.1')).port;
}

/** Closes the server, cutting keep-alive connections rather than waiting for clients to hang up. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
