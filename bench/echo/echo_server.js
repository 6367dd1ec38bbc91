// The echo benchmark's Node.js server: the `net` module, one socket 'data' handler that writes the data back.
// Binds 127.0.0.1 on an ephemeral port, prints the port on one line, serves until killed.
'use strict';
const net = require('net');

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  socket.on('data', (data) => socket.write(data));
  socket.on('error', () => socket.destroy());
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
  console.log(server.address().port);
});
