/**
 * A clock the test moves by hand.
 */
export class TestClock {
  #now: Date;
  constructor(iso: string) {
    this.#now = new Date(iso);
  }
  readonly now = (): Date => new Date(this.#now);
  set(iso: string): void {
    this.#now = new Date(iso);
  }
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}
