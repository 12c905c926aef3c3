/** The words of files and images (feature `files`), in both languages; part of Strings (strings.ts). */
import { formatBytes } from '../../../protocol/attachments';
import type { Locale } from './locales';

export interface FileStrings {
  attach: string;
  attachHint: string;
  dropHere: string;
  sendFilesTitle: (count: number) => string;
  captionLabel: string;
  captionPlaceholder: string;
  sendFiles: string;
  removeFile: (name: string) => string;
  filesUnsupported: string;
  stagingFailed: (why: string) => string;
  uploadWaiting: string;
  uploadUploading: string;
  uploadSending: string;
  uploadFailed: (why: string) => string;
  uploadProgress: (name: string) => string;
  cancelUpload: string;
  retryUpload: string;
  bytesOf: (done: string, total: string) => string;
  download: string;
  downloading: string;
  downloaded: string;
  downloadFailed: (why: string) => string;
  showInFolder: string;
  openImage: (name: string) => string;
  attachmentsLabel: string;
  viewerTitle: (index: number, count: number, name: string) => string;
  zoomIn: string;
  zoomOut: string;
  zoomReset: string;
  zoomFit: string;
  previousImage: string;
  nextImage: string;
  copyImage: string;
  copied: string;
  copyFailed: (why: string) => string;
  saveAs: string;
  savingAs: string;
  closeViewer: string;
  viewerHint: string;
  imageUnavailable: string;
  fileKind: (type: string, name: string) => string;
}

const en: FileStrings = {
  attach: 'Attach files',
  attachHint: 'Attach files (or paste an image, or drop files here)',
  dropHere: 'Drop to send to this conversation',
  sendFilesTitle: (n) => (n === 1 ? 'Send 1 file' : `Send ${n} files`),
  captionLabel: 'Caption',
  captionPlaceholder: 'Add a caption (optional)',
  sendFiles: 'Send',
  removeFile: (name) => `Remove ${name}`,
  filesUnsupported: 'This server does not take files',
  stagingFailed: (why) => `Could not add the file: ${why}`,
  uploadWaiting: 'Waiting for the connection…',
  uploadUploading: 'Uploading',
  uploadSending: 'Sending…',
  uploadFailed: (why) => `Upload failed: ${why}`,
  uploadProgress: (name) => `Upload of ${name}`,
  cancelUpload: 'Cancel',
  retryUpload: 'Retry',
  bytesOf: (done, total) => `${done} of ${total}`,
  download: 'Download',
  downloading: 'Downloading',
  downloaded: 'Downloaded',
  downloadFailed: (why) => `Download failed: ${why}`,
  showInFolder: 'Show in folder',
  openImage: (name) => `Open image ${name}`,
  attachmentsLabel: 'Attachments',
  viewerTitle: (i, n, name) => `${name} (${i} of ${n})`,
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  zoomReset: 'Actual size',
  zoomFit: 'Fit',
  previousImage: 'Previous image',
  nextImage: 'Next image',
  copyImage: 'Copy',
  copied: 'Copied',
  copyFailed: (why) => `Could not copy: ${why}`,
  saveAs: 'Save as…',
  savingAs: 'Saving…',
  closeViewer: 'Close',
  viewerHint: '← → to move, + − 0 to zoom, Esc to close',
  imageUnavailable: 'The image could not be shown',
  fileKind: (type, name) => `${type} file ${name}`,
};

const zh: FileStrings = {
  attach: '添加文件',
  attachHint: '添加文件（也可粘贴图片或把文件拖到这里）',
  dropHere: '松开即发送到此会话',
  sendFilesTitle: (n) => `发送 ${n} 个文件`,
  captionLabel: '说明',
  captionPlaceholder: '添加说明（可选）',
  sendFiles: '发送',
  removeFile: (name) => `移除 ${name}`,
  filesUnsupported: '此服务器不接收文件',
  stagingFailed: (why) => `无法添加文件：${why}`,
  uploadWaiting: '等待连接…',
  uploadUploading: '正在上传',
  uploadSending: '正在发送…',
  uploadFailed: (why) => `上传失败：${why}`,
  uploadProgress: (name) => `${name} 的上传进度`,
  cancelUpload: '取消',
  retryUpload: '重试',
  bytesOf: (done, total) => `${done} / ${total}`,
  download: '下载',
  downloading: '正在下载',
  downloaded: '已下载',
  downloadFailed: (why) => `下载失败：${why}`,
  showInFolder: '在文件夹中显示',
  openImage: (name) => `打开图片 ${name}`,
  attachmentsLabel: '附件',
  viewerTitle: (i, n, name) => `${name}（第 ${i} 张，共 ${n} 张）`,
  zoomIn: '放大',
  zoomOut: '缩小',
  zoomReset: '原始大小',
  zoomFit: '适应窗口',
  previousImage: '上一张',
  nextImage: '下一张',
  copyImage: '复制',
  copied: '已复制',
  copyFailed: (why) => `无法复制：${why}`,
  saveAs: '另存为…',
  savingAs: '正在保存…',
  closeViewer: '关闭',
  viewerHint: '← → 切换，+ − 0 缩放，Esc 关闭',
  imageUnavailable: '无法显示此图片',
  fileKind: (type, name) => `${type} 文件 ${name}`,
};

export const FILE_WORDS: Record<Locale, FileStrings> = { en, 'zh-CN': zh };

/** Sizes as people read them: 1023 bytes, 1.5 KB, 12 MB (protocol/attachments.ts formatBytes), "字节" in Chinese. */
export function sizeText(n: number, locale: Locale): string {
  if (n < 1024 && locale === 'zh-CN') return `${n} 字节`;
  return formatBytes(n);
}
