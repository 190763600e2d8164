"use client";
import { useEffect, useState } from "react";

/**
 * Marks a page that streams behind a loading skeleton as hydrated (`data-page-ready="true"`).
 * The document's own mark (`<html data-hydrated>`) comes when the layout hydrates, and such a
 * page's content arrives and hydrates later: a select changed or a key pressed in between is
 * lost. Every page with a loading.tsx renders this, and the browser tests wait for it.
 */
export function PageReady() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return <span hidden data-page-ready={ready ? "true" : "false"} />;
}
