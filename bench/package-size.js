#!/usr/bin/env node
// What `npm install streamwright` costs a user: packs this package, installs the tarball alone
// into an empty project, and prints the tarball, the installed total and each direct
// dependency's share: the packages only it brings (shared ones are counted once, apart).
//
//   node bench/package-size.js [--root <package dir>] [--json]
//
// Not part of `npm run bench` (it needs npm and its cache, and measures disk, not time).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { root: { type: 'string', default: '.' }, json: { type: 'boolean' } } });
const root = path.resolve(values.root);
const work = mkdtempSync(path.join(tmpdir(), 'sw-size-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** Bytes of every file under `dir` (apparent size; `du` would add block rounding). */
function bytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

try {
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root));
  const app = path.join(work, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(path.join(app, 'package.json'), '{"name":"consumer","private":true}');
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, packed.filename)], app);

  // Every installed package (node_modules/.package-lock.json lists them with their dependencies).
  const lock = JSON.parse(readFileSync(path.join(app, 'node_modules', '.package-lock.json'), 'utf8')).packages;
  const size = new Map(Object.keys(lock).map((p) => [p, bytes(path.join(app, p)) - nestedBytes(p)]));
  function nestedBytes(p) {
    return Object.keys(lock)
      .filter((q) => q.startsWith(p + '/node_modules/') && !q.slice(p.length + 14).includes('/node_modules/'))
      .reduce((n, q) => n + bytes(path.join(app, q)), 0);
  }
  // Where `name` resolves from package `from`: nested first, then up the tree.
  const resolve = (from, name) => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const candidate = `${dir ? dir + '/' : ''}node_modules/${name}`;
      if (lock[candidate]) return candidate;
      if (!dir) return undefined;
    }
  };
  const closure = (start) => {
    const seen = new Set([start]);
    for (const p of seen) {
      const deps = { ...lock[p]?.dependencies, ...lock[p]?.optionalDependencies, ...lock[p]?.peerDependencies };
      for (const name of Object.keys(deps)) {
        const q = resolve(p, name);
        if (q && !seen.has(q)) seen.add(q);
      }
    }
    return seen;
  };
  const self = 'node_modules/streamwright';
  const direct = Object.keys(lock[self].dependencies ?? {}).map((name) => resolve(self, name));
  const closures = new Map(direct.map((d) => [d, closure(d)]));
  const owners = new Map();
  for (const [d, set] of closures) for (const p of set) owners.set(p, [...(owners.get(p) ?? []), d]);
  const rows = direct.map((d) => {
    const only = [...closures.get(d)].filter((p) => owners.get(p).length === 1);
    return { dependency: d.replace('node_modules/', ''), packages: only.length, bytes: only.reduce((n, p) => n + size.get(p), 0) };
  });
  const shared = [...owners].filter(([, o]) => o.length > 1).map(([p]) => p);
  const total = bytes(path.join(app, 'node_modules'));
  // On disk, with block rounding (what `du` reports; many small files make it larger).
  const disk = Number(execFileSync('du', ['-sk', path.join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]) * 1024;
  const result = {
    tarball: { file: packed.filename, bytes: packed.size, unpacked: packed.unpackedSize, files: packed.entryCount },
    install: { bytes: total, disk, packages: Object.keys(lock).length - 1 },
    self: size.get(self),
    dependencies: rows.sort((a, b) => b.bytes - a.bytes),
    shared: {
      packages: shared.length,
      bytes: shared.reduce((n, p) => n + size.get(p), 0),
      largest: shared
        .map((p) => ({ package: p.replace(/^node_modules\//, ''), bytes: size.get(p) }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 5),
    },
  };
  if (values.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(`tarball ${result.tarball.file}: ${mb(result.tarball.bytes)} packed, ${mb(result.tarball.unpacked)} unpacked, ${result.tarball.files} files`);
    console.log(
      `npm install of the tarball alone: ${mb(total)} (${mb(disk)} on disk) in ${result.install.packages} packages (streamwright itself ${mb(result.self)})`,
    );
    for (const r of result.dependencies) console.log(`  ${r.dependency.padEnd(22)} ${mb(r.bytes).padStart(9)}  ${r.packages} packages only it needs`);
    console.log(
      `  ${'(shared by several)'.padEnd(22)} ${mb(result.shared.bytes).padStart(9)}  ${result.shared.packages} packages, largest: ${result.shared.largest.map((p) => `${p.package} ${mb(p.bytes)}`).join(', ')}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
