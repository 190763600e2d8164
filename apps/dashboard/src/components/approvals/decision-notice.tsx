"use client";
import { createContext, type ReactNode, useContext, useState } from "react";

const Announce = createContext<(message: string) => void>(() => {});

/**
 * Where a decision's confirmation is shown: above the queue, not inside the decided item, which
 * leaves the queue as soon as the page refreshes (the confirmation used to vanish with it).
 */
export function DecisionNotice({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string>();
  return (
    <Announce.Provider value={setMessage}>
      {message ? (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          {message}
        </p>
      ) : null}
      {children}
    </Announce.Provider>
  );
}

export const useAnnounceDecision = () => useContext(Announce);
