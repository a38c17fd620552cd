import type { Random } from '../../runtime/seeded/index.ts';

/** Start of the window generated timestamps fall in (a fixed instant, so samples are reproducible). */
const EPOCH = Date.parse('2024-01-01T00:00:00Z');
const YEAR_MS = 365 * 24 * 3600 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * A value for each string format the contract validators check (templates/validators/prelude.js),
 * or undefined for a format they do not know (the caller generates a plain string).
 */
export function sampleFormat(format: string, random: Random): string | undefined {
  switch (format) {
    case 'date-time':
      return new Date(EPOCH + Math.floor(random.next() * YEAR_MS)).toISOString();
    case 'date':
      return new Date(EPOCH + Math.floor(random.next() * YEAR_MS)).toISOString().slice(0, 10);
    case 'time':
      return `${pad(random.int(0, 23))}:${pad(random.int(0, 59))}:${pad(random.int(0, 59))}Z`;
    case 'uuid':
      return random.uuid();
    case 'email':
      return `user.${random.token(6)}@example.com`;
    case 'hostname':
      return `${random.token(6)}.example.com`;
    case 'ipv4':
      return `${random.int(1, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
    case 'uri':
      return `https://example.com/${random.token(8)}`;
    default:
      return undefined;
  }
}
