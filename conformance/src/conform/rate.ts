/**
 * Whether a rate limit's verdict on one frame is decided by what this run observed, or by when the
 * implementation happened to read the frames. A limit of L frames per window counts frames as the
 * implementation reads them: the frame answered at `answeredAt` was read no later than that, and
 * every frame before it no sooner than it was sent. When the last L + 1 frames sent before the
 * answer all left less than one window before it arrived, the implementation read them inside one
 * window and had to refuse the frame; when they spread over more (a burst that a starved machine
 * read over several seconds), it may legitimately have let it through, and a recording that shows
 * the refusal says nothing about this run.
 */

/** The window of `x-sw-limits.maxMessagesPerSecond`: one second, unscaled (as the runtime counts it). */
export const RATE_WINDOW_MS = 1000;

/**
 * True when the implementation may have read more than `limit` frames over at least one window
 * before answering at `answeredAt` (epoch ms), so that letting the frame through is no violation.
 * `sentAt`: when each client frame of the connection left (epoch ms, ascending).
 */
export function rateVerdictOpen(sentAt: readonly number[], answeredAt: number, limit: number): boolean {
  const before = sentAt.filter((s) => s <= answeredAt);
  // The answered frame and the `limit` frames before it, at the latest the last ones sent.
  const first = before[before.length - limit - 1];
  return first !== undefined && answeredAt - first >= RATE_WINDOW_MS;
}
