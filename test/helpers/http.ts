/** A local HTTP server for tests that download: never the internet. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

/** Listen on a free loopback port, close when the file's tests end, and return the base URL. */
export async function listenLocally(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
