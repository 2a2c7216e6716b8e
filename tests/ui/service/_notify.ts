/** A notify socket listener in its own process, with what it received so far. */
const LISTENER = new URL("./_notify_listener.ts", import.meta.url).pathname;

export interface NotifySocket extends AsyncDisposable {
  path: string;
  /** Every datagram received, in order. */
  messages: string[];
  /** Waits until `pred` holds for the messages. */
  until(what: string, pred: (m: string[]) => boolean, timeoutMs?: number): Promise<void>;
}

export async function notifySocket(): Promise<NotifySocket> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-notify-" });
  const path = `${dir}/notify`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", LISTENER, path],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const messages: string[] = [];
  let listening = false;
  const pump = (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === "listening") listening = true;
        else messages.push(JSON.parse(line));
      }
    }
  })();
  const until = async (what: string, pred: (m: string[]) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pred(messages)) {
      if (Date.now() > deadline) {
        throw new Error(`No ${what} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until("listener", () => listening);
  return {
    path,
    messages,
    until,
    [Symbol.asyncDispose]: async () => {
      child.kill("SIGKILL");
      await child.status;
      await pump.catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
}
