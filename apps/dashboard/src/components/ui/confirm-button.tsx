"use client";
import { type ReactNode, useRef, useState } from "react";
import { Button, type ButtonProps } from "./button.tsx";

/**
 * A destructive action behind a confirmation dialog (native <dialog>: focus trap, Escape to
 * cancel). `onConfirm` may return an error message to show in the dialog.
 */
export function ConfirmButton({ title, body, confirmLabel = "Confirm", onConfirm, children, ...buttonProps }: Omit<ButtonProps, "onClick"> & { title: string; body: ReactNode; confirmLabel?: string; onConfirm: () => Promise<string | void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <Button type="button" variant="danger" {...buttonProps} onClick={() => { setError(undefined); dialog.current?.showModal(); }}>
        {children}
      </Button>
      <dialog ref={dialog} aria-labelledby="confirm-title" className="w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="space-y-3 p-5">
          <h2 id="confirm-title" className="text-base font-semibold text-slate-900">{title}</h2>
          <div className="text-sm text-slate-600">{body}</div>
          {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
          <div className="flex justify-end gap-2 pt-2">
            <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>Cancel</Button>
            <Button
              type="button"
              variant="danger"
              pending={pending}
              onClick={async () => {
                setPending(true);
                const problem = await onConfirm();
                setPending(false);
                if (problem) setError(problem);
                else dialog.current?.close();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
