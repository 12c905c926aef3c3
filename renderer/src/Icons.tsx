/**
 * Small inline SVG icons (no files, no fonts, no inline styles: colour comes
 * from `currentColor`). Always paired with text — never the only signal.
 */
import type { ReactNode } from 'react';

function Svg({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const IconConnected = () => (
  <Svg>
    <circle cx="8" cy="8" r="6" />
    <path d="M5.2 8.2 7.2 10.2 10.9 6" />
  </Svg>
);

export const IconSpinner = () => (
  <Svg className="icon-spin">
    <path d="M8 2a6 6 0 1 1-6 6" />
  </Svg>
);

export const IconOffline = () => (
  <Svg>
    <path d="M1.5 6.2a9.5 9.5 0 0 1 4-2.2M9.5 3.9a9.5 9.5 0 0 1 5 2.3M4 8.9a5.8 5.8 0 0 1 2.3-1.3M10.6 8a5.8 5.8 0 0 1 1.4.9" />
    <circle cx="8" cy="12" r="0.9" fill="currentColor" stroke="none" />
    <path d="M2.5 2.5 13.5 13.5" />
  </Svg>
);

export const IconAlert = () => (
  <Svg>
    <path d="M8 2.2 14.3 13.3H1.7Z" />
    <path d="M8 6.4v3.2" />
    <circle cx="8" cy="11.6" r="0.55" fill="currentColor" stroke="none" />
  </Svg>
);

export const IconDisconnected = () => (
  <Svg>
    <circle cx="8" cy="8" r="6" />
    <path d="M3.8 12.2 12.2 3.8" />
  </Svg>
);

export const IconLeaf = () => (
  <Svg>
    <path d="M3 13c0-6 3.5-9.5 10-10-.3 6.5-3.8 10-9.2 10Z" />
    <path d="M3 13 9 7" />
  </Svg>
);

export const IconClock = () => (
  <Svg>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.8V8l2.2 1.4" />
  </Svg>
);

export const IconCheck = () => (
  <Svg>
    <path d="M3.5 8.4 6.6 11.4 12.5 5" />
  </Svg>
);

export const IconRetry = () => (
  <Svg>
    <path d="M13 8a5 5 0 1 1-1.5-3.6" />
    <path d="M13 2.6v2.9h-2.9" />
  </Svg>
);

export const IconSend = () => (
  <Svg>
    <path d="M2.3 7.6 13.6 2.4 9.9 13.7 7.7 8.7Z" />
    <path d="M7.7 8.7 13.6 2.4" />
  </Svg>
);

export const IconArrowDown = () => (
  <Svg>
    <path d="M8 3v10M3.8 8.8 8 13l4.2-4.2" />
  </Svg>
);

export const IconLogo = () => (
  <svg className="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
    <rect x="1" y="1" width="30" height="30" rx="9" className="logo-bg" />
    <path d="M9 11.5c0-1.4 1.1-2.5 2.5-2.5h9c1.4 0 2.5 1.1 2.5 2.5v6c0 1.4-1.1 2.5-2.5 2.5h-5.2L11.6 23v-3H11.5C10.1 20 9 18.9 9 17.5Z" className="logo-fg" />
  </svg>
);
