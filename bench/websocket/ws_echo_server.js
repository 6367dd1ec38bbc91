// The WebSocket echo benchmark's Node server (bench/run websocket): Node's `ws` (from http/src/test/node, installed
// with npm ci --prefix http/src/test/node), without compression. Binds 127.0.0.1 on an ephemeral port, prints the
// port on one line, echoes every message until killed.
'use strict';
const path = require('path');
const wsModule = path.join(__dirname, '..', '..', 'http', 'src', 'test', 'node', 'node_modules', 'ws');
const { WebSocketServer } = require(wsModule);

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, backlog: 1024 });
wss.on('listening', () => console.log(String(wss.address().port)));
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
