import { DIRECTIONS } from '../channels.ts';
import { directionDispatch } from '../discriminator.ts';
import type { Check } from './context.ts';

/**
 * How each channel direction tells its messages apart (see ../discriminator.ts): an explicit
 * `x-sw-*` that does not hold is an error; a discriminator that had to be inferred, or none at
 * all, is a warning that names the fix.
 */
export const checkTags: Check = ({ doc, channels, report }) => {
  for (const view of channels) {
    for (const direction of DIRECTIONS) {
      for (const p of directionDispatch(doc, view, direction).problems) report(p);
    }
  }
};
