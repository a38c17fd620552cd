import { Writable } from 'node:stream';

/** A Writable that collects what a command prints, and resolves `ready` once `lines` full lines arrived. */
export function sink(lines: number) {
  let text = '';
  let wake = () => undefined as void;
  const ready = new Promise<void>((resolve) => (wake = resolve));
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      if (text.split('\n').length > lines) wake();
      done();
    },
  });
  return {
    stream,
    ready,
    get text() {
      return text;
    },
  };
}
