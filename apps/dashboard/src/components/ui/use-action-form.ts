"use client";
import { useState } from "react";
import type { ActionResult } from "@/server/action.ts";

/**
 * The state every form around a server action keeps: pending (for the button), the
 * form-level error and the errors next to fields. `submit` runs the action and returns the
 * successful result, or undefined after showing the errors.
 */
export function useActionForm() {
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function submit<T>(run: () => Promise<ActionResult<T>>): Promise<Extract<ActionResult<T>, { ok: true }> | undefined> {
    setPending(true);
    try {
      const result = await run();
      if (!result.ok) {
        setError(result.error);
        setFields(result.fieldErrors ?? {});
        return undefined;
      }
      setError(undefined);
      setFields({});
      return result;
    } finally {
      setPending(false);
    }
  }

  return { error, fields, pending, submit };
}
