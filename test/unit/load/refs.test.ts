import { mkdtemp, mkdir, writeFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyRef, createGuardedResolvers, isInside, type BlockedRead } from '../../../generator/src/load/refs.ts';

describe('classifyRef', () => {
  it.each([
    ['#/components/schemas/A', 'local'],
    ['./a.yaml#/A', 'file'],
    ['../a.yaml', 'file'],
    ['file:///etc/passwd', 'file'],
    ['http://example.test/a.json', 'remote'],
    ['HTTPS://example.test/a.json', 'remote'],
    ['urn:x:y', 'other'],
  ])('%s is %s', (ref, kind) => expect(classifyRef(ref)).toBe(kind));
});

describe('guarded resolvers', () => {
  it('blocks remote reads and files outside the root, even through a symlink', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sw-guard-'));
    try {
      await mkdir(path.join(dir, 'root'));
      await writeFile(path.join(dir, 'outside.yaml'), 'secret: 1\n');
      await writeFile(path.join(dir, 'root', 'inside.yaml'), 'ok: 1\n');
      await symlink(path.join(dir, 'outside.yaml'), path.join(dir, 'root', 'link.yaml'));
      expect(isInside(path.join(dir, 'root'), path.join(dir, 'root', 'link.yaml'))).toBe(false);

      const blocked: BlockedRead[] = [];
      const [http, , file] = createGuardedResolvers({ rootDir: () => path.join(dir, 'root'), allowRemote: false, blocked });
      const uri = (p: string) => ({ toString: () => p, path: () => p });
      expect(http!.read(uri('http://127.0.0.1:1/x') as never)).toBe('{}');
      expect(file!.read(uri(path.join(dir, 'outside.yaml')) as never)).toBe('{}');
      expect(file!.read(uri(path.join(dir, 'root', 'link.yaml')) as never)).toBe('{}');
      expect(file!.read(uri(path.join(dir, 'root', 'inside.yaml')) as never)).toBe('ok: 1\n');
      expect(blocked.map((b) => b.reason)).toEqual(['remote', 'outside-root', 'outside-root']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
