/** The test actor's protocol. */
export type CrashHow = "throw" | "reject" | "close" | "ctx" | "exit" | "block";

export interface CrasherInit {
  tag: string;
  startMode: "ok" | "throw" | "hang";
  stopMode: "ok" | "hang";
}

export interface CrasherProtocol {
  init: CrasherInit;
  calls: {
    echo: { args: { text: string }; reply: { text: string; id: string } };
    fail: { args: { message: string }; reply: never };
    slow: { args: { ms: number }; reply: { ms: number } };
  };
  cast: { type: "crash"; how: CrashHow };
  event: { type: "hello"; id: string };
}

export const CRASHER_URL = new URL("./_crasher.ts", import.meta.url);
