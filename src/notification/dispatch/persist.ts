/**
 * @module notification/dispatch/persist
 * Bookkeeping writes that must not be lost to a passing database fault.
 */

/**
 * persist retries a bookkeeping write for up to ~30 s. After a send succeeded, giving up on
 * recording it would mean sending it again once the lease ends; a database restart takes seconds.
 */
export async function persist(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= 12) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5000)));
    }
  }
}
