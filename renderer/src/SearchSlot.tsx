/**
 * Where the search panel goes when open. Its code is loaded on first use (a dynamic
 * import: a chunk of its own, served from 'self' like every script, so the CSP is
 * unchanged) and is not part of the first paint. If the chunk cannot be loaded the
 * slot says so instead of taking the window down.
 */
import { Component, lazy, Suspense, type ContextType, type ReactNode } from 'react';
import { I18nContext, useI18n } from './AppContext';
import type { SearchToggle } from './useSearchToggle';

const SearchPanel = lazy(() => import('./SearchPanel'));

export function SearchSlot({ search }: { search: SearchToggle }) {
  const { t } = useI18n();
  if (!search.open) return null;
  return (
    <LoadFailed>
      <Suspense
        fallback={
          <div className="search-panel search-opening" role="status" data-testid="search-opening">
            {t.searchOpening}
          </div>
        }
      >
        <SearchPanel focusRequest={search.focusRequest} onJump={search.jump} onClose={search.closeSearch} />
      </Suspense>
    </LoadFailed>
  );
}

/** The chunk did not load (a broken install): a message, and the rest of the window goes on. */
class LoadFailed extends Component<{ children: ReactNode }, { failed: boolean }> {
  // A class component cannot call useI18n(); it reads the same context this way.
  static override contextType = I18nContext;
  declare context: ContextType<typeof I18nContext>;
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="search-panel search-unavailable" role="alert" data-testid="search-unavailable">
        {this.context?.t.searchUnavailable}
      </div>
    );
  }
}
