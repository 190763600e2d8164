import net from "node:net";

/** A port `npm start` listens on, and the variable that moves it. */
export type NamedPort = { port: number; host: string; variable: string; what: string };

/** The one line a user sees when a port is taken: the port, what wanted it, how to move it. */
export function portInUseMessage(p: NamedPort): string {
  return `npm start: port ${p.port} (${p.what}) is already in use; set ${p.variable} to a free port, or stop what is using it (another npm start?)`;
}

/**
 * The first of `ports` that cannot be listened on, checked before anything starts, so a second
 * `npm start` stops at once with one line instead of half-starting. Port 0 (any) is skipped.
 */
export async function firstPortInUse(ports: NamedPort[]): Promise<NamedPort | undefined> {
  for (const p of ports) {
    if (p.port === 0) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen({ port: p.port, host: p.host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return p;
  }
  return undefined;
}

/** The named port an EADDRINUSE error is about, for a port taken between the check and the listen. */
export function portOfError(error: unknown, ports: NamedPort[]): NamedPort | undefined {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== "EADDRINUSE" && e?.code !== "EACCES") return undefined;
  return ports.find((p) => p.port === e.port);
}
