/**
 * The baseline for bench/realtime-fanout.ts: a minimal hand-written SSE broadcaster on
 * node:http. `GET /api/realtime` opens a stream starting with PB_CONNECT, as Basalt's;
 * `POST /publish` sends its JSON body to every stream as a `create` event. No database,
 * rules, auth or per-client shaping: the floor that Basalt's fan-out is compared with.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const streams = new Set<ServerResponse>();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/realtime') {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'close',
    });
    const id = randomBytes(20).toString('hex');
    res.write(`id:${id}\nevent:PB_CONNECT\ndata:${JSON.stringify({ clientId: id })}\n\n`);
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/publish') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const frame = `event:posts/*\ndata:{"action":"create","record":${body}}\n\n`;
      for (const stream of streams) stream.write(frame);
      res.writeHead(204).end();
    });
    return;
  }
  if (req.url === '/health') return void res.writeHead(200).end('ok');
  res.writeHead(404).end();
});
server.listen(port, '127.0.0.1');
