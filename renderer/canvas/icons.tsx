/** Small inline SVG icons for the host roles and the segment (no icon font, exports cleanly). */
import type { HostRole } from '../../shared/model/types.ts';

export function RoleIcon({ role, size = 18 }: { role: HostRole | 'segment'; size?: number }) {
  const common = {
    width: size,
    height: size,
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    strokeWidth: 1.8,
    strokeLinecap: 'round' as const,
    strokeLinejoin: 'round' as const,
    'aria-hidden': true,
  };
  switch (role) {
    case 'client':
      return (
        <svg {...common}>
          <rect x="3" y="4" width="18" height="12" rx="1.5" />
          <path d="M8 20h8M12 16v4" />
        </svg>
      );
    case 'director':
      return (
        <svg {...common}>
          <circle cx="5" cy="12" r="2.2" />
          <path d="M7.2 12H12M12 12l7-6M12 12l7 6M12 12h7" />
          <path d="M17 4.5 19.4 6 18 8.2M17 19.5l2.4-1.5-1.4-2.2" />
        </svg>
      );
    case 'real-server':
      return (
        <svg {...common}>
          <rect x="4" y="3.5" width="16" height="7" rx="1.2" />
          <rect x="4" y="13.5" width="16" height="7" rx="1.2" />
          <path d="M7.5 7h.01M7.5 17h.01M11 7h5M11 17h5" />
        </svg>
      );
    case 'router':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="8.5" />
          <path d="M8 9.5h7l-2-2M16 14.5H9l2 2" />
        </svg>
      );
    case 'segment':
      return (
        <svg {...common}>
          <rect x="3" y="8" width="18" height="8" rx="1.5" />
          <path d="M7 12h.01M10 12h.01M13 12h.01M16 12h.01" />
        </svg>
      );
  }
}
