/**
 * What every part of the window needs and only the composition root provides: the chat API
 * (main.tsx hands in `window.chat`, the one place that reads the global) and the strings,
 * locale and time formatters of the language in use (App.tsx). Components read them here
 * instead of receiving them through every layer of props.
 */
import { createContext, useContext } from 'react';
import type { ChatApi } from '../../electron/common/contract';
import type { Locale, Strings, TimeFormatters } from './i18n';

export const ChatContext = createContext<ChatApi | null>(null);

export function useChat(): ChatApi {
  const chat = useContext(ChatContext);
  if (!chat) throw new Error('useChat() outside <ChatContext.Provider> (main.tsx provides it)');
  return chat;
}

export interface I18n {
  t: Strings;
  locale: Locale;
  fmt: TimeFormatters;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n() outside <I18nContext.Provider> (App.tsx provides it)');
  return i18n;
}
