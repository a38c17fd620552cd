/**
 * The seeded sources' door: one random generator and one clock, so a mock or a reference server
 * replays the same run from the same seed and start time.
 */
export { Random } from './random.ts';
export { createClock, DEFAULT_START, type Clock } from './clock.ts';
