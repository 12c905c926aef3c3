/**
 * Where the search panel goes when open. Its code is loaded on first use (a dynamic
 * import: a chunk of its own, served from 'self' like every script, so the CSP is
 * unchanged) and is not part of the first paint. If the chunk cannot be loaded the
 * slot says so instead of taking the window down.
 */
import { Component, lazy, Suspense, type ReactNode } from 'react';
import type { Strings } from './i18n';
import type { Locale } from './i18n';
import type { SearchToggle } from './useSearchToggle';

const SearchPanel = lazy(() => import('./SearchPanel'));

export function SearchSlot({ t, locale, search }: { t: Strings; locale: Locale; search: SearchToggle }) {
  if (!search.open) return null;
  return (
    <LoadFailed t={t}>
      <Suspense
        fallback={
          <div className="search-panel search-opening" role="status" data-testid="search-opening">
            {t.searchOpening}
          </div>
        }
      >
        <SearchPanel t={t} locale={locale} focusRequest={search.focusRequest} onJump={search.jump} onClose={search.closeSearch} />
      </Suspense>
    </LoadFailed>
  );
}

/** The chunk did not load (a broken install): a message, and the rest of the window goes on. */
class LoadFailed extends Component<{ t: Strings; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="search-panel search-unavailable" role="alert" data-testid="search-unavailable">
        {this.props.t.searchUnavailable}
      </div>
    );
  }
}
