/**
 * Files and images (feature `files`): uploads that resume from the server's offset, downloads
 * that resume with a Range, over the chat connection's proxy and CAs.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { filesOrigin, type FilesConfig } from './file-http';
export { FileTransfer, TransferError, type TransferOptions } from './file-transfer';
export { hashFile, UploadJournal } from './upload-journal';
export { FileDesk, StagingError, type FileClients, type FileDeskDeps } from './file-desk';
export { downloadsDir } from './xdg-dirs';
export { imageTypeOf, MAX_IMAGE_BYTES } from './image-cache';
