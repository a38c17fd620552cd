import { request } from 'node:http';

/** Status and headers of the answer to one request (raw `node:http`); the body is not read. */
export function answerHead(url: string, method: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      resolve({ status: res.statusCode!, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}
