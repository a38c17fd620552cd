/**
 * One unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2), as a server sends it. A
 * broadcast builds it once and writes the same bytes to every socket, instead of letting ws
 * frame the message again per recipient.
 */
export function textFrame(text: string): Buffer {
  const n = Buffer.byteLength(text, 'utf8');
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + n);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  // Encoded straight into the frame: one allocation, no copy.
  frame.write(text, headerLength, 'utf8');
  return frame;
}
