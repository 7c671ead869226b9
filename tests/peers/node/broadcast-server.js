// The classic tutorial server on the npm `ws` package: every message is
// forwarded to every *other* open client, as is. No hello, no seq, no JSON
// checks: a foreign server for Roomcast's client to talk to.
//
//   node broadcast-server.js [port]     (port 0 picks a free one)
//
// Prints "listening on ws://127.0.0.1:PORT/" once ready; exits on SIGTERM.
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

process.on("SIGTERM", () => wss.close(() => process.exit(0)));
