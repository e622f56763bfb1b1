/** An IRC user in the test, on its own irc-framework client: it joins a channel and keeps what is said there. */
import { Client } from 'irc-framework';

export interface IrcObserver {
  lines: string[];
  close(): Promise<void>;
}

/** ircObserver connects as `nick`, joins `channel`, and resolves once it is in. */
export async function ircObserver(port: number, channel: string, nick = 'watcher'): Promise<IrcObserver> {
  const client = new Client({ nick, username: nick, gecos: 'test observer', auto_reconnect: false });
  const lines: string[] = [];
  client.on('privmsg', (e: { target: string; message: string }) => {
    if (e.target.toLowerCase() === channel.toLowerCase()) lines.push(e.message);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the observer could not join')), 10_000);
    client.on('registered', () => client.join(channel));
    client.on('join', (e: { nick: string }) => {
      if (e.nick !== client.user.nick) return;
      clearTimeout(timer);
      resolve();
    });
    client.connect({ host: '127.0.0.1', port, nick, auto_reconnect: false });
  });
  return {
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        if (!client.connected) return resolve();
        client.once('close', () => resolve());
        client.quit('bye');
      }),
  };
}
