// A WebSocket peer on Node's `ws` for asyncio4j's interop tests (install: npm ci --prefix http/src/test/node).
//
//   node ws-peer.js server on|off         echo server on 127.0.0.1; prints "port N", serves until stdin closes
//   node ws-peer.js client on|off URL     runs the client script against URL; prints "closed CODE REASON"
//
// Same protocol as ../python/ws_peer.py.
'use strict';
const { WebSocket, WebSocketServer } = require('ws');

const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20];
const MAX = 64 << 20;

function textOf(size) {
  const cps = Array.from('é€😀x'.repeat(Math.floor(size / 16) + 1));
  return cps.slice(0, Math.floor(size / 4)).join('');
}

// Deterministic bytes (a linear congruential generator), different for each size.
function bytesOf(size) {
  const b = Buffer.alloc(size);
  let x = size >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function server(compress) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: compress, maxPayload: MAX });
  wss.on('listening', () => console.log('port ' + wss.address().port));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      if (text !== null && text.startsWith('close:')) {
        const [, code, reason] = text.split(':');
        ws.close(Number(code), reason);
      } else if (text === 'fragments') {
        ws.send('frag', { fin: false });
        ws.send('men', { fin: false });
        ws.send('ted', { fin: true });
        ws.send(Buffer.from([1]), { binary: true, fin: false });
        ws.send(Buffer.from([2, 3]), { binary: true, fin: true });
      } else {
        ws.send(data, { binary: isBinary });
      }
    });
  });
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

function client(compress, url) {
  const ws = new WebSocket(url, { perMessageDeflate: compress, maxPayload: MAX });
  const queue = [];
  const waiting = [];
  ws.on('message', (data, isBinary) => {
    const m = { data, isBinary };
    if (waiting.length) waiting.shift()(m); else queue.push(m);
  });
  const next = () => new Promise((resolve) => (queue.length ? resolve(queue.shift()) : waiting.push(resolve)));
  const fail = (what) => { console.error('FAILED: ' + what); process.exit(1); };
  ws.on('error', (e) => fail(String(e)));
  ws.on('open', async () => {
    if ((ws.extensions !== '') !== compress) fail('extensions: ' + ws.extensions);
    for (const size of SIZES) {
      const text = textOf(size);
      ws.send(text);
      let m = await next();
      if (m.isBinary || m.data.toString() !== text) fail('text echo of ' + size);
      const data = bytesOf(size);
      ws.send(data);
      m = await next();
      if (!m.isBinary || !data.equals(m.data)) fail('binary echo of ' + size);
    }
    ws.send('frag', { fin: false });
    ws.send('mented', { fin: true });
    let m = await next();
    if (m.data.toString() !== 'fragmented') fail('fragmented text');
    ws.send(Buffer.from('ab'), { binary: true, fin: false });
    ws.send(Buffer.from('cd'), { binary: true, fin: true });
    m = await next();
    if (!m.isBinary || m.data.toString() !== 'abcd') fail('fragmented binary');
    ws.on('close', (code, reason) => console.log('closed ' + code + ' ' + reason.toString()));
    ws.close(4000, 'bye');
  });
}

const compress = process.argv[3] === 'on';
if (process.argv[2] === 'server') server(compress); else client(compress, process.argv[4]);
