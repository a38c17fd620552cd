/**
 * Every problem `validate` can report. Codes are stable: tools and CI filters depend on them.
 * Codes of our own checks live under `sw/`; rules of `@asyncapi/parser` are passed through under
 * `asyncapi/<rule>`.
 */
export const DIAGNOSTIC_CODES = {
  'sw/file-unreadable': 'the file cannot be read',
  'sw/syntax': 'the file is not well-formed YAML or JSON',
  'sw/not-asyncapi': 'the document is not an AsyncAPI document',
  'sw/unsupported-version': 'the document is not AsyncAPI 3.0.x or 3.1.x',
  'sw/remote-ref-blocked': 'a $ref to http(s) was not fetched (pass --allow-remote to allow it)',
  'sw/ref-outside-root': "a $ref to a file outside the document's folder was not read",
  'sw/ref-unsupported': 'a $ref with a scheme streamwright never reads (ftp:, data:, ...)',
  'sw/ref-blocked': 'the parser was refused a read the other ref checks did not foresee (reported so nothing becomes a silent {})',
  'sw/ref-dangling': 'a $ref points to nothing (a local pointer, or a pointer into the file it names)',
  'sw/ref-unreadable': "a $ref names a file in the document's folder that does not exist or cannot be read (reported at the $ref)",
  'sw/ref-syntax': 'a $ref names a file that is not well-formed YAML or JSON (reported at the $ref, with the place in that file)',
  'sw/ref-cycle': 'a $ref cycle with no structure in between (A refers to B refers to A), which no tool can resolve',
  'sw/operation-channel-missing': 'an operation names a channel that does not exist',
  'sw/operation-message-missing': "an operation names a message that is not one of its channel's messages",
  'sw/message-without-operation': 'a channel message is used by no operation, so it has no direction',
  'sw/tag-missing': 'a message lacks the tag property its channel names in `x-sw-tag` (error)',
  'sw/tag-duplicate': 'two messages on one channel and direction share a tag (error under `x-sw-tag`, otherwise a warning: they are told apart by shape)',
  'sw/untagged-not-alone': 'a message marked `x-sw-untagged` shares its channel and direction with others',
  'sw/tag-inferred':
    'warning: messages are told apart by a `const` property other than `type`, found by inference; `x-sw-tag: { property: … }` makes it explicit',
  'sw/dispatch-by-shape':
    'warning: a channel direction has no discriminator; frames are matched by shape, first match wins (add distinct `const` properties or a `discriminator`)',
  'sw/example-invalid': 'a message example does not validate against its payload or headers schema',
  'sw/pattern-unsafe': 'a pattern that can backtrack exponentially (a repeated group holding a repetition, a backreference)',
  'sw/example-budget': 'example checks ran out of their per-document time budget; later examples were not checked',
  'sw/schema-invalid': 'a payload or headers schema cannot be compiled',
  'sw/extension-unknown': 'an x-sw-* extension that streamwright does not define',
  'sw/extension-misplaced': 'an x-sw-* extension on an object where it has no meaning',
  'sw/extension-invalid': 'an x-sw-* extension does not validate against its schema',
  'sw/extension-ref-unknown': 'an extension names a message tag or error code that the channel does not define',
  'sw/component-unused': 'a component is never referenced',
  'sw/external-unchecked': 'warning: a payload refers to a remote schema (read under --allow-remote); its tags and examples are not checked',
  'sw/generate-skipped':
    'info: a channel on a protocol the runtime does not speak (Kafka, AMQP, MQTT…) gets models, validators and metadata, no server or client stub',
  'sw/transport-ambiguous': 'warning: a channel could be a WebSocket or HTTP (its servers offer both); add a `ws` or `http` channel binding',
  'sw/auth-key-required':
    'warning: a standard JWT scheme (http bearer JWT, oauth2, openIdConnect) is checked with a key the server must be given (`auth.jwtSecret`)',
  'sw/auth-unchecked': 'warning: a security scheme the runtime cannot check on a WebSocket, SSE or HTTP request (X.509, SASL…)',
  'sw/schema-format-unsupported':
    'warning: a payload in a schema format other than JSON Schema / AsyncAPI Schema (Avro, Protobuf…) is typed `unknown` and not validated',
  'sw/generate-unsupported': 'the document uses something code generation does not support',
  'sw/internal': 'a check failed unexpectedly (please report it)',
} as const;

export type OwnCode = keyof typeof DIAGNOSTIC_CODES;
export type DiagnosticCode = OwnCode | `asyncapi/${string}`;
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** The file as it was given (not made absolute, so output is stable across machines). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** JSON pointer into `file`, as a URI fragment (`#/channels/events`). */
  pointer: string;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.pointer, b.pointer) || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
