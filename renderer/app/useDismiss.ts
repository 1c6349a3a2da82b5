/** Closes a pop-up (menu, dropdown) when the user presses the mouse anywhere outside it. */
import { useEffect } from 'react';
import type { RefObject } from 'react';

export function useDismissOnOutsideClick(ref: RefObject<HTMLElement | null>, open: boolean, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) close();
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open, ref, close]);
}
