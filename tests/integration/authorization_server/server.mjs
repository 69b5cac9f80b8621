// Test authorization server for the oauth2core integration tests (see README.md).
//
// Listens on 127.0.0.1:$PORT (PORT=0 or unset picks a free port) and, once ready, prints
// exactly one JSON line on stdout: {"issuer": "http://127.0.0.1:<port>", "port": <port>}

import './lib/quiet.mjs';

import * as http from 'node:http';
import { once } from 'node:events';

import { createProvider } from './lib/provider.mjs';

const HOST = '127.0.0.1';

async function main() {
  const requested = Number.parseInt(process.env.PORT ?? '0', 10);
  if (!Number.isSafeInteger(requested) || requested < 0 || requested > 65535) {
    throw new TypeError(`invalid PORT ${process.env.PORT}`);
  }

  // The issuer contains the port, so listen first and create the provider afterwards.
  let handler = (req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  server.listen(requested, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;

  const { provider } = await createProvider(issuer);
  handler = provider.callback();

  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
