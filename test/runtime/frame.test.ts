import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { textFrame } from '../../runtime/ws/frame.ts';

// Frames built by textFrame, written on a hand-made upgrade, must read back exactly through an
// independent parser (the `ws` client), across the three length encodings and multi-byte text.
describe('textFrame', () => {
  it('is read back by a ws client at every length encoding', async () => {
    const texts = ['', 'a'.repeat(125), 'é'.repeat(63), 'b'.repeat(126), 'c'.repeat(65_535), 'd'.repeat(65_536), '€'.repeat(30_000)];
    const server = createServer();
    const sockets: { destroy(): void }[] = [];
    server.on('upgrade', (req, socket) => {
      sockets.push(socket);
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      for (const text of texts) socket.write(textFrame(text));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const received: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data, isBinary) => {
        expect(isBinary).toBe(false);
        received.push(String(data));
        if (received.length === texts.length) resolve();
      });
      ws.on('error', reject);
    });
    ws.terminate();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(received).toEqual(texts);
  });

  it('writes the header RFC 6455 gives for each length class', () => {
    expect([...textFrame('hi').subarray(0, 2)]).toEqual([0x81, 2]);
    expect([...textFrame('x'.repeat(300)).subarray(0, 4)]).toEqual([0x81, 126, 1, 44]);
    const big = textFrame('y'.repeat(70_000));
    expect([...big.subarray(0, 2)]).toEqual([0x81, 127]);
    expect(big.readBigUInt64BE(2)).toBe(70_000n);
    expect(big.length).toBe(70_010);
  });
});
