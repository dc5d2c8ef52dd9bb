// Scenario 1, the ceiling: a bare node:http server answering every request with one fixed JSON body.
// The bench passes it a real Bitrix envelope (a server.time answer of the server under test), so the
// body has the same size and shape. Runs in its own process, like the server under test, and prints
// `HTTP  http://127.0.0.1:PORT` once it listens (PORT from the environment, default any free port).
import http from 'node:http';

const body = Buffer.from(process.env.CEILING_BODY ?? JSON.stringify({ result: 'ok' }));
const server = http.createServer((req, res) => {
  // Read the request to its end (POST bodies), then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`HTTP  http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
