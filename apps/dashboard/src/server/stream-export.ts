import "server-only";

/**
 * A download streamed page by page (keyset pages, so memory stays flat however much is
 * exported): `head`, then one `line` per item of each page until `max` items or no next page,
 * then `tail`. An error after the first bytes ends the stream (the download is then incomplete).
 */
export function streamExport<T>(options: {
  filename: string;
  contentType: string;
  head: string;
  tail?: string;
  max: number;
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>;
  line: (item: T, index: number) => string;
}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(options.head));
      let cursor: string | undefined;
      let sent = 0;
      try {
        do {
          const page = await options.page(cursor);
          const items = page.items.slice(0, options.max - sent);
          controller.enqueue(encoder.encode(items.map((item, i) => options.line(item, sent + i)).join("")));
          sent += items.length;
          cursor = page.nextCursor ?? undefined;
        } while (cursor && sent < options.max);
        if (options.tail) controller.enqueue(encoder.encode(options.tail));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  return new Response(body, { headers: { "content-type": options.contentType, "content-disposition": `attachment; filename="${options.filename}"`, "cache-control": "no-store" } });
}
