/** Waiting for something that happens elsewhere (a message on a server, a retry come due), with a deadline. */

/** until polls `ok` every 100 ms until it is true, or throws after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, ms = 30_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
