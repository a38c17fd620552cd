import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A server on the default memory bus must not load a Redis client, and the browser-safe client
// runtime must not reach the bus at all: only a dynamic import('ioredis'), in runtime/bus/redis.ts.
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? sources(file) : /\.(ts|js)$/.test(e.name) ? [file] : [];
  });
}

const STATIC_IOREDIS = /^\s*(import|export)\s+(?!type\b)[^;]*?from\s+['"]ioredis['"]|require\(\s*['"]ioredis['"]\s*\)/m;

describe('runtime imports', () => {
  it.each(sources('runtime').map((f) => [f]))('%s loads ioredis only dynamically', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(STATIC_IOREDIS.test(text)).toBe(false);
    if (!file.endsWith(path.join('bus', 'redis.ts'))) expect(text).not.toMatch(/import\(\s*['"]ioredis['"]\s*\)/);
  });

  it.each(sources('runtime/client').map((f) => [f]))('%s does not reach the bus', (file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/from\s+['"][^'"]*\/bus\//);
  });

  it('the pattern catches a static import', () => {
    expect(STATIC_IOREDIS.test("import { Redis } from 'ioredis';")).toBe(true);
    expect(STATIC_IOREDIS.test("import type { Redis } from 'ioredis';")).toBe(false);
  });
});
