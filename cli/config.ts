import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ApiConfig {
  name: string;
  spec: string;
  out: string;
}

export const CONFIG_FILE = 'streamwright.config.json';

/** Reads `streamwright.config.json` from `cwd`; throws an Error with a readable message. */
export async function readConfig(cwd: string): Promise<ApiConfig[]> {
  const file = path.join(cwd, CONFIG_FILE);
  let data: unknown;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(e as Error).message}`);
    throw new Error(
      `no ${CONFIG_FILE} in ${cwd}: run \`streamwright generate <spec> --out <dir>\`, or create ${CONFIG_FILE} ` +
        `listing your APIs: {"apis": [{"name": "chat", "spec": "chat.asyncapi.yaml", "out": "generated/chat"}]}`,
    );
  }
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  const apis = (data as { apis?: unknown }).apis;
  if (!Array.isArray(apis)) throw new Error(`${CONFIG_FILE}: "apis" must be an array of {name, spec, out}`);
  return apis.map((a, i) => {
    const { name, spec, out } = (a ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof spec !== 'string' || typeof out !== 'string') {
      throw new Error(`${CONFIG_FILE}: apis[${i}] must have string "name", "spec" and "out"`);
    }
    return { name, spec: path.join(cwd, spec), out: path.join(cwd, out) };
  });
}
