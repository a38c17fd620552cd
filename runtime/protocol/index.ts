/**
 * The protocol layer's door: reading a frame (JSON, its tag) and parsing a Server-Sent Events
 * stream, the one way the client, the mock, the recorder and `conform` all do it. Browser-safe: no
 * Node built-ins.
 */
export { DEFAULT_TAG_PROPERTY, eventTag, frameTag, isJsonObject, messageTag, readJson, taggedMessage, type JsonRead, type TagSite } from './frame.ts';
export { DEFAULT_MAX_BLOCK_BYTES, SseMessageReader, SseParser, type SseBlock, type SseItem, type SseMessage, type SseParserOptions } from './sse-parser.ts';
