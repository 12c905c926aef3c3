/**
 * One request to main at a time from a dialog (start a DM, create a room, invite): whether it
 * is on its way, and why the last one was refused (said in words by the caller). A rejected
 * promise (main gone) is a refusal too, so nothing waits forever in "busy".
 */
import { useCallback, useState } from 'react';
import type { Reason, ReasonCode } from '../../electron/common/errors';

export type Outcome<T> = ({ ok: true } & T) | { ok: false; reason: Reason };

export function useRequest() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ReasonCode | null>(null);
  const run = useCallback(<T>(asked: Promise<Outcome<T>>, onOk: (answer: T) => void) => {
    setBusy(true);
    setProblem(null);
    asked.then(
      (r) => {
        setBusy(false);
        if (r.ok) onOk(r);
        else setProblem(r.reason.code);
      },
      () => {
        setBusy(false);
        setProblem('REJECTED');
      },
    );
  }, []);
  return { busy, problem, run };
}
