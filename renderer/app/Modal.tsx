/** The one modal dialog frame of the app: focus on open, Escape closes, optional backdrop click. */
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

export interface ModalProps {
  readonly title: string;
  readonly testId: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly wide?: boolean;
  /** Extra classes on the dialog box (e.g. a danger style). */
  readonly className?: string;
  /** Closing on a click beside the box; off for questions that must be answered explicitly. */
  readonly closeOnBackdrop?: boolean;
  /** What gets the focus when the dialog opens (the first match). */
  readonly initialFocus?: string;
}

export function Modal({
  title,
  testId,
  onClose,
  children,
  wide,
  className,
  closeOnBackdrop = true,
  initialFocus = 'button, input:not([hidden]), select, textarea',
}: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>(initialFocus)?.focus();
  }, [initialFocus]);
  useEffect(() => {
    // Escape closes the dialog wherever the focus is (a file picker leaves it on the body).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={closeOnBackdrop ? (e) => e.target === e.currentTarget && onClose() : undefined}>
      <div
        className={`modal${wide ? ' wide' : ''}${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        ref={ref}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
