import { randomBytes } from 'node:crypto';

/** Unique across processes, so several workers can share one store. */
const BOOT_ID = randomBytes(4).toString('hex');
let sequence = 0;

/** The next record id: `<boot id>-<sequence in base 36>`. */
export function nextRecordId(): string {
  sequence += 1;
  return `${BOOT_ID}-${sequence.toString(36)}`;
}
