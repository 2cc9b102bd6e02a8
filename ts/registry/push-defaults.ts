/**
 * Layers in flight by default. Each layer's compression already spreads over
 * every core; a second layer overlaps one that waits on the registry (stored
 * weights) with one that compresses: 15% faster here (bench/push-first.ts),
 * at about 45 MiB more memory. A module of its own: help text reads it
 * without loading the push.
 */
export const DEFAULT_PUSH_JOBS = 2;
