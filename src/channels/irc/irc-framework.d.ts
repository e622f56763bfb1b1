// The part of irc-framework (which ships no types) that the irc plugin uses.
declare module 'irc-framework' {
  import { EventEmitter } from 'node:events';

  export interface ClientOptions {
    nick: string;
    username?: string;
    gecos?: string;
    version?: string;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    message_max_length?: number;
  }

  export interface ConnectOptions extends ClientOptions {
    host: string;
    port: number;
    tls?: boolean;
    password?: string;
  }

  export class Client extends EventEmitter {
    constructor(options?: ClientOptions);
    readonly user: { nick: string };
    readonly connected: boolean;
    connect(options?: ConnectOptions): void;
    say(target: string, message: string): void;
    join(channel: string, key?: string): void;
    ping(message?: string): void;
    changeNick(nick: string): void;
    quit(message?: string): void;
  }
}
