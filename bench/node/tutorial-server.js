// The broadcast server as most tutorials write it: every message goes to
// every open client (the sender too) with `client.send(message)`. With npm
// `ws` 8 the message is a Buffer, so a text message is forwarded as a
// *binary* frame: what a WebSocket inspector must still show as the text
// (and JSON) it is. (reference-server.js passes `{ binary: isBinary }`.)
//
//   node tutorial-server.js [port]     (port 0, the default, picks a free one)
//
// Prints "listening on ws://127.0.0.1:PORT/" once ready; exits on SIGTERM/SIGINT.
"use strict";
const { WebSocketServer, WebSocket } = require("ws");

const port = Number(process.argv[2] || 0);
const wss = new WebSocketServer({ host: "127.0.0.1", port });

wss.on("connection", (ws) => {
  ws.on("error", console.error);
  ws.on("message", (message) => {
    wss.clients.forEach((client) => {
      if (client.readyState === WebSocket.OPEN) {
        client.send(message);
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
