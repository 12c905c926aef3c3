/**
 * Words for reason codes, in zh-CN and en. Pure data: the renderer, the CLI
 * and diagnostics all describe a problem the same way.
 */
import type { ReasonCode } from './errors';

export type Locale = 'zh-CN' | 'en';

export const reasonWords: Record<ReasonCode, Record<Locale, string>> = {
  AUTH_FAILED: { en: 'authentication failed — check the token', 'zh-CN': '身份验证失败——请检查令牌' },
  RATE_LIMITED: { en: 'rate limited by the server — waiting before retrying', 'zh-CN': '发送过于频繁，服务器已限流——稍后重试' },
  SERVER_ERROR: { en: 'server error', 'zh-CN': '服务器错误' },
  UNREACHABLE: { en: 'server unreachable', 'zh-CN': '无法连接到服务器' },
  CONNECTION_LOST: { en: 'connection lost', 'zh-CN': '连接已断开' },
  HEARTBEAT_TIMEOUT: { en: 'no answer from the server (heartbeat timeout)', 'zh-CN': '服务器无响应（心跳超时）' },
  CLOCK_JUMP: { en: 'the computer was asleep — reconnecting', 'zh-CN': '电脑刚从休眠中恢复——正在重新连接' },
  TOO_LARGE: { en: 'message too large', 'zh-CN': '消息过长' },
  REJECTED: { en: 'rejected by the server', 'zh-CN': '被服务器拒绝' },
  FORBIDDEN: {
    en: 'forbidden: not a member of this conversation (or it does not exist)',
    'zh-CN': '无权访问：你不是此会话的成员（或会话不存在）',
  },
  BAD_FRAME: { en: 'the server sent data that could not be read', 'zh-CN': '服务器发送了无法识别的数据' },
  FRAME_TOO_LARGE: { en: 'the server sent an oversized frame', 'zh-CN': '服务器发送的数据过大' },
  TLS_UNKNOWN_CA: {
    en: 'certificate from an unknown authority — add your CA bundle in settings',
    'zh-CN': '证书颁发机构未知——请在设置中添加 CA 证书',
  },
  TLS_SELF_SIGNED: {
    en: 'self-signed certificate — add it as a CA bundle in settings',
    'zh-CN': '自签名证书——请在设置中将其添加为 CA 证书',
  },
  TLS_EXPIRED: { en: 'the server certificate has expired (or is not yet valid)', 'zh-CN': '服务器证书已过期（或尚未生效）' },
  TLS_HOSTNAME: { en: 'the certificate does not match the server name', 'zh-CN': '证书与服务器名称不匹配' },
  TLS_OTHER: { en: 'secure connection (TLS) failed', 'zh-CN': '安全连接（TLS）失败' },
  NETWORK_DOWN: { en: 'offline — waiting for network', 'zh-CN': '离线——等待网络' },
  SUSPENDED: { en: 'paused while the computer sleeps', 'zh-CN': '电脑休眠中，连接已暂停' },
  STOPPED: { en: 'disconnected', 'zh-CN': '已断开' },
  TIMEOUT: { en: 'timed out', 'zh-CN': '超时' },
  BAD_CONFIG: { en: 'settings could not be read', 'zh-CN': '无法读取设置' },
  EMPTY_MESSAGE: { en: 'nothing to send', 'zh-CN': '没有可发送的内容' },
  OUTBOX_FULL: { en: 'too many unsent messages — this one was not queued', 'zh-CN': '未发送的消息过多——此条未加入队列' },
  OUTBOX_CORRUPT: { en: 'part of the unsent-message queue could not be read (kept aside)', 'zh-CN': '部分未发送消息无法读取（已另存）' },
  OUTBOX_WRITE_FAILED: { en: 'could not save the message to disk — it was not queued', 'zh-CN': '无法将消息保存到磁盘——未加入队列' },
  HISTORY_CORRUPT: {
    en: 'the message history file was damaged — set aside, the readable part kept',
    'zh-CN': '消息记录文件已损坏——已另存，可读部分已保留',
  },
  HISTORY_WRITE_FAILED: { en: 'could not save the message history to disk', 'zh-CN': '无法将消息记录保存到磁盘' },
  PROXY_UNREACHABLE: { en: 'proxy unreachable — check the proxy setting', 'zh-CN': '无法连接到代理服务器——请检查代理设置' },
  PROXY_AUTH_REQUIRED: {
    en: 'the proxy needs a user name and password (407) — check the proxy setting',
    'zh-CN': '代理服务器需要用户名和密码（407）——请检查代理设置',
  },
  PROXY_REFUSED: { en: 'the proxy refused the connection to the chat server', 'zh-CN': '代理服务器拒绝连接到聊天服务器' },
  PROXY_DNS_FAILED: { en: 'the proxy could not resolve the chat server’s name', 'zh-CN': '代理服务器无法解析聊天服务器的地址' },
  NO_SUCH_MESSAGE: {
    en: 'that message is not there any more (recalled, or older than the server keeps)',
    'zh-CN': '该消息已不存在（已撤回，或超出服务器保留的范围）',
  },
  NOT_AUTHOR: { en: 'only its sender can edit or recall a message', 'zh-CN': '只有发送者本人可以编辑或撤回消息' },
  TOO_LATE: { en: 'too late to recall: the time allowed has passed', 'zh-CN': '已超过可撤回的时间' },
  ACTION_UNSUPPORTED: {
    en: 'this server cannot reply to, edit or recall messages',
    'zh-CN': '此服务器不支持回复、编辑或撤回消息',
  },
  FILES_UNSUPPORTED: { en: 'this server does not take files', 'zh-CN': '此服务器不支持发送文件' },
  FILE_UNREADABLE: { en: 'the file cannot be read', 'zh-CN': '无法读取该文件' },
  FILE_REFUSED: { en: 'the server refused the file', 'zh-CN': '服务器拒绝了该文件' },
  NO_SUCH_FILE: { en: 'that file is not on the server for you', 'zh-CN': '服务器上没有可供你使用的该文件' },
  CANCELLED: { en: 'cancelled', 'zh-CN': '已取消' },
  FILE_TOO_LARGE: { en: 'the file is too large for this server', 'zh-CN': '文件太大，超过此服务器的上限' },
  QUOTA_EXCEEDED: { en: 'your storage on the server is full', 'zh-CN': '你在服务器上的存储空间已满' },
  SERVER_DISK_FULL: { en: 'the server’s disk is full; try again later', 'zh-CN': '服务器磁盘已满，请稍后再试' },
};

export function describeReason(code: ReasonCode, locale: Locale = 'en'): string {
  return reasonWords[code]?.[locale] ?? code;
}
