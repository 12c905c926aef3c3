/**
 * One-time notices from main (today: the sandbox is off because the system disables user namespaces),
 * under the header. Closing one tells main, which remembers it: it does not come back on the next start.
 */
import { useEffect, useState } from 'react';
import type { NoticeId } from '../../electron/common/contract';
import { useChat, useI18n } from './AppContext';
import { IconAlert } from './Icons';

export function LaunchNotices() {
  const { t } = useI18n();
  const chat = useChat();
  const [notices, setNotices] = useState<readonly NoticeId[]>([]);
  useEffect(() => {
    let live = true;
    // No notice is better than a broken window: a failed read shows none.
    chat.getNotices().then(
      (ids) => live && setNotices(ids),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [chat]);
  const dismiss = (id: NoticeId) => {
    setNotices((now) => now.filter((n) => n !== id));
    void chat.dismissNotice(id).catch(() => undefined); // not saved: main logs it; it shows again next start
  };
  return (
    <>
      {notices.map((id) => (
        <div key={id} className="notice" role="status" data-testid={`notice-${id}`}>
          <IconAlert />
          <div className="notice-body">
            <span className="notice-title">{t.notice[id].title}</span>
            <span className="notice-line">{t.notice[id].body}</span>
          </div>
          <button type="button" className="button button-small" onClick={() => dismiss(id)}>
            {t.noticeDismiss}
          </button>
        </div>
      ))}
    </>
  );
}
