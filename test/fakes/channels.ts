/**
 * Channel senders for unit tests: one that records what it is given, and one that fails as a test
 * scripts it (transient, permanent, ambiguous, with a Retry-After), recording every attempt.
 */
import { ChannelSet, type ChannelInstance } from '../../src/channels/instances.js';
import type { Audience, ChannelSender, Notification } from '../../src/channels/plugin.js';
import type { Limit } from '../../src/config-schema.js';
import { DeliveryError, type DeliveryFailure } from '../../src/errors.js';

/** RecordingSender accepts everything and keeps it, with the most sends it had in flight at once. */
export class RecordingSender implements ChannelSender {
  readonly description = 'records what it is given';
  readonly sent: Notification[] = [];
  maxInFlight = 0;
  #inFlight = 0;
  /** How long a send takes, to make sends overlap. */
  delayMs = 0;

  async send(n: Notification): Promise<void> {
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      this.sent.push(n);
    } finally {
      this.#inFlight--;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Step is one scripted attempt: delivered, or a failure as a plugin reports it. */
export type Step = 'ok' | Omit<DeliveryFailure, 'channel'>;

/** ScriptedSender answers attempts in the order of `script`, then delivers; every attempt is kept. */
export class ScriptedSender implements ChannelSender {
  readonly description = 'fails as scripted';
  readonly attempts: Notification[] = [];
  readonly sent: Notification[] = [];
  readonly #script: Step[];

  constructor(script: readonly Step[]) {
    this.#script = [...script];
  }

  send(n: Notification): Promise<void> {
    this.attempts.push(n);
    const step = this.#script.shift() ?? 'ok';
    if (step === 'ok') {
      this.sent.push(n);
      return Promise.resolve();
    }
    return Promise.reject(new DeliveryError({ ...step, channel: n.channel }, step.permanent ? 'refused' : 'try later'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** channelSet makes the instances a dispatcher sends through, by name. */
export function channelSet(
  instances: Record<string, { sender: ChannelSender; audience?: Audience; limits: Limit }>,
): ChannelSet {
  return new ChannelSet(
    Object.entries(instances).map(([name, i]): ChannelInstance => ({
      name,
      plugin: 'fake',
      audience: i.audience ?? 'node',
      limits: i.limits,
      sender: i.sender,
    })),
  );
}
