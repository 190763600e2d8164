"use client";
import { type ReactNode, useId, useRef, useState } from "react";
import { Button, type ButtonProps } from "./button.tsx";

/**
 * A destructive action behind a confirmation dialog (native <dialog>: focus trap, Escape to
 * cancel). `onConfirm` may return an error message to show in the dialog.
 */
export function ConfirmButton({ title, body, confirmLabel = "Confirm", onConfirm, children, ...buttonProps }: Omit<ButtonProps, "onClick"> & { title: string; body: ReactNode; confirmLabel?: string; onConfirm: () => Promise<string | void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <Button type="button" variant="danger" {...buttonProps} onClick={() => { setError(undefined); dialog.current?.showModal(); }}>
        {children}
      </Button>
      {/* m-auto: Tailwind's reset drops the dialog's centring margin. The dialog lives where
          the button is (maybe a table cell): reset inherited wrapping and alignment. */}
      <dialog ref={dialog} aria-labelledby={titleId} className="m-auto w-[calc(100%-2rem)] max-w-md whitespace-normal rounded-lg p-0 text-left shadow-xl backdrop:bg-slate-900/40">
        <div className="space-y-3 p-5">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">{title}</h2>
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
