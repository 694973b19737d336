/** Starting one of cordon's HTTP servers (Slack, detections, codec), the same way for each. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `host:port` (0 for a free port) and resolves with the address it got; failing to bind rejects. */
export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      // Later errors are the server's own, not this start's.
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`listening on ${address}, not on a TCP port`);
  return address;
}
