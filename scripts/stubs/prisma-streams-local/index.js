// Only `prisma dev` (Prisma's local development server) imports this, lazily. Tengine runs its
// own embedded database instead, so the real package (which needs Node 22) is not installed.
export async function startLocalDurableStreamsServer() {
  throw new Error("`prisma dev` is not available in this repository: Tengine uses its own embedded database (npm start)");
}
