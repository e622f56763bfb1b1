/**
 * @module notification/guard/control
 * `svc.guard`: the satellite's own hand on the storm guard (its maintenance), its state, and a
 * count on demand; store failures are DatabaseErrors, as everywhere on the service.
 */
import { InvalidConfigError, orDatabaseError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { stateOf, type GuardState, type StormGuard } from './guard.js';
import type { GuardEnd } from './store.js';

/**
 * GuardControl is `svc.guard`: the satellite's own hand on the storm guard (its maintenance), its
 * state, and a count on demand (also made by every running dispatcher every `guard.checkEvery`).
 */
export interface GuardControl {
  hold(reason: string): Promise<GuardState>;
  release(): Promise<GuardEnd | null>;
  state(): Promise<GuardState>;
  check(): Promise<GuardState>;
}

/** guardControl is `svc.guard` over the guard, or one that says why there is none. */
export function guardControl(guard: StormGuard | null, logger: Logger): GuardControl {
  if (!guard) {
    const none = (): Promise<never> =>
      Promise.reject(
        new InvalidConfigError([
          {
            path: 'guard',
            message: 'the storm guard lives on the service’s own database; every store was given ready-made',
          },
        ]),
      );
    return { hold: none, release: none, state: none, check: none };
  }
  return {
    hold: async (reason) => {
      const state = await orDatabaseError(guard.hold(reason));
      logger.info({ reason }, 'storm guard held by hand');
      return state;
    },
    release: () => orDatabaseError(guard.release()),
    state: () => orDatabaseError(guard.state()),
    check: async () => stateOf(await orDatabaseError(guard.check())),
  };
}
