/**
 * The idle bench's baseline server: a bare `ws` server that pings each connection every 30 s
 * (what any server must do to notice dead peers) and does nothing else. Prints
 * `listening PORT` once it listens.
 *
 *   node --import tsx bench/idle-bare-server.ts PORT
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]), perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('message', () => undefined));
setInterval(() => wss.clients.forEach((ws) => ws.ping()), 30_000);
wss.on('listening', () => process.stdout.write(`listening ${process.argv[2]}\n`));
