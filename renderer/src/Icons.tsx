/**
 * Small inline SVG icons (no files, no fonts, no inline styles: colour comes
 * from `currentColor`). Always paired with text — never the only signal.
 */
import type { ReactNode } from 'react';

function Svg({ children, className, box = 16, stroke = 1.6 }: { children: ReactNode; className?: string; box?: number; stroke?: number }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox={`0 0 ${box} ${box}`}
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth={stroke}
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
    <path
      d="M9 11.5c0-1.4 1.1-2.5 2.5-2.5h9c1.4 0 2.5 1.1 2.5 2.5v6c0 1.4-1.1 2.5-2.5 2.5h-5.2L11.6 23v-3H11.5C10.1 20 9 18.9 9 17.5Z"
      className="logo-fg"
    />
  </svg>
);

export const IconGear = () => (
  <Svg box={24} stroke={2}>
    <circle cx="12" cy="12" r="3" />
    <path d="M19.4 15a1.65 1.65 0 0 0 .33 1.82l.06.06a2 2 0 1 1-2.83 2.83l-.06-.06a1.65 1.65 0 0 0-1.82-.33 1.65 1.65 0 0 0-1 1.51V21a2 2 0 1 1-4 0v-.09A1.65 1.65 0 0 0 9 19.4a1.65 1.65 0 0 0-1.82.33l-.06.06a2 2 0 1 1-2.83-2.83l.06-.06a1.65 1.65 0 0 0 .33-1.82 1.65 1.65 0 0 0-1.51-1H3a2 2 0 1 1 0-4h.09A1.65 1.65 0 0 0 4.6 9a1.65 1.65 0 0 0-.33-1.82l-.06-.06a2 2 0 1 1 2.83-2.83l.06.06a1.65 1.65 0 0 0 1.82.33H9a1.65 1.65 0 0 0 1-1.51V3a2 2 0 1 1 4 0v.09a1.65 1.65 0 0 0 1 1.51 1.65 1.65 0 0 0 1.82-.33l.06-.06a2 2 0 1 1 2.83 2.83l-.06.06a1.65 1.65 0 0 0-.33 1.82V9a1.65 1.65 0 0 0 1.51 1H21a2 2 0 1 1 0 4h-.09a1.65 1.65 0 0 0-1.51 1Z" />
  </Svg>
);

/** A padlock with a warning mark: certificate / TLS trouble. */
export const IconLockAlert = () => (
  <Svg>
    <rect x="2.5" y="7" width="11" height="7.2" rx="1.6" />
    <path d="M5 7V5a3 3 0 0 1 6 0v2" />
    <path d="M8 9.2v2" />
    <circle cx="8" cy="12.6" r="0.5" fill="currentColor" stroke="none" />
  </Svg>
);

/** A server rack with a cross: the server itself failed. */
export const IconServerAlert = () => (
  <Svg>
    <rect x="2" y="2.2" width="12" height="4.8" rx="1.2" />
    <rect x="2" y="9" width="7" height="4.8" rx="1.2" />
    <circle cx="4.6" cy="4.6" r="0.5" fill="currentColor" stroke="none" />
    <path d="M11 9.6 14 12.6M14 9.6 11 12.6" />
  </Svg>
);

export const IconLock = () => (
  <Svg>
    <rect x="3" y="7" width="10" height="7" rx="1.6" />
    <path d="M5.3 7V5.2a2.7 2.7 0 0 1 5.4 0V7" />
  </Svg>
);

export const IconAttach = () => (
  <Svg>
    <path d="M10.5 4.5 5.6 9.4a1.6 1.6 0 0 0 2.3 2.3l5-5a3 3 0 0 0-4.3-4.3l-5 5a4.4 4.4 0 0 0 6.2 6.2l3.7-3.7" />
  </Svg>
);

/** A document; `kind` picks the mark inside (a file card's type icon). */
export const IconFile = ({ kind = 'file' }: { kind?: 'file' | 'doc' | 'sheet' | 'pdf' | 'archive' | 'image' }) => (
  <Svg className={`icon-file icon-file-${kind}`}>
    <path d="M4 1.8h5.2L12.5 5v9.2H4z" />
    <path d="M9 1.8V5.2h3.4" />
    {kind === 'doc' && <path d="M6 8h4.5M6 10h4.5M6 12h3" />}
    {kind === 'sheet' && <path d="M6 8h4.5v4H6zM8.2 8v4M6 10h4.5" />}
    {kind === 'pdf' && <path d="M6 12V8h1.5a1 1 0 0 1 0 2H6" />}
    {kind === 'archive' && <path d="M7.5 6v1M7.5 8v1M7.5 10v1" />}
    {kind === 'image' && <path d="m5.5 12 2-2.5 1.5 1.5 1-1 1.5 2zM7 7.5h.01" />}
  </Svg>
);

export const IconDownload = () => (
  <Svg>
    <path d="M8 2.5v7.5M4.8 7 8 10.2 11.2 7M3 13.5h10" />
  </Svg>
);

export const IconFolder = () => (
  <Svg>
    <path d="M2 4.2h4l1.4 1.6H14v7.2H2z" />
  </Svg>
);
