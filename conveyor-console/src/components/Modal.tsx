import { useEffect, useRef, type ReactNode } from 'react';

/** A modal dialog (the native <dialog>: focus is trapped and Escape closes it). */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} onClose={onClose} aria-label={title} className="modal">
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
