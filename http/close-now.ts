/** Stopping one of cordon's HTTP servers (codec, detections, the Okta and Slack stand-ins), the same way for each. */
import type { Server } from 'node:http';

/**
 * Closes the server and cuts its open connections, keep-alive ones included, rather than waiting for clients to hang
 * up: a browser or an SDK holding a connection would otherwise keep a Ctrl-C or a test's teardown waiting.
 */
export function closeNow(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
