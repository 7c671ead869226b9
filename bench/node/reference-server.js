// The reference for Roomcast's server benchmark: the classic Node.js `ws`
// broadcast server, as in the package's README. Every message is forwarded,
// as is, to every *other* open client. No hello, no seq, no JSON checks, no
// history, no acknowledgement to the sender: the least a chat relay can do.
//
//   node reference-server.js [port]     (port 0, the default, picks a free one)
//
// Prints "listening on ws://127.0.0.1:PORT/" once ready; exits on SIGTERM/SIGINT.
"use strict";
const { WebSocketServer, WebSocket } = require("ws");

const port = Number(process.argv[2] || 0);
const wss = new WebSocketServer({ host: "127.0.0.1", port });

wss.on("connection", (ws) => {
  ws.on("error", console.error);
  ws.on("message", (data, isBinary) => {
    wss.clients.forEach((client) => {
      if (client !== ws && client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    });
  });
});

wss.on("listening", () => {
  console.log(`listening on ws://127.0.0.1:${wss.address().port}/`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
