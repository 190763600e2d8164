import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { HydrationMark } from "@/components/shell/hydration-mark.tsx";
import "./globals.css";

export const metadata: Metadata = { title: { default: "Tengine", template: "%s · Tengine" }, description: "Execution infrastructure for AI tool calls" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <HydrationMark />
        {children}
      </body>
    </html>
  );
}
