import type { FileRow } from '../store/repos/files.js';

/** Working links of a file, for people's clients (absent: a bot's view, which carries none). */
export interface FileLinks {
  download: string;
  show: string;
  /** '' when there is no preview (anything but an image). */
  preview: string;
}

/** Viewer kinds of the platform's viewer attributes (`code` for anything without a dedicated viewer, as the docs' example shows for a PDF). */
const VIEWER_TYPE: Record<string, string> = { image: 'image', video: 'video', audio: 'audio' };

/**
 * The File object (chat-bots-v2/entities.md#file; im.v2/files/file-upload.md for the full shape), in
 * the order the platform prints it. Without `links` the URL fields are left out: that is what the
 * imbot.v2 output filter does to files.
 */
export function fileView(f: FileRow, o: { authorName: string; links?: FileLinks }): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: f.id,
    chatId: f.chat_id,
    date: f.created_at,
    type: f.type,
    name: f.name,
    extension: f.extension,
    size: f.size,
    image: f.image_width && f.image_height ? { height: f.image_height, width: f.image_width } : false,
    status: 'done',
    progress: 100,
    authorId: f.author_id,
    authorName: o.authorName,
  };
  if (o.links) {
    Object.assign(view, {
      urlPreview: o.links.preview,
      urlShow: o.links.show,
      urlDownload: o.links.download,
      viewerAttrs: {
        viewer: '',
        viewerType: VIEWER_TYPE[f.type] ?? 'code',
        src: o.links.download,
        objectId: String(f.id),
        viewerGroupBy: String(f.chat_id),
        imChatId: f.chat_id,
        title: f.name,
        actions: JSON.stringify([{ type: 'download' }]),
      },
      mediaUrl: { preview: { 250: o.links.preview } },
    });
  }
  // Transcription is offered for speech-bearing media; voice and video notes are recorded in the client, never uploaded here.
  view.isTranscribable = f.type === 'audio' || f.type === 'video';
  view.isVideoNote = false;
  view.isVoiceNote = false;
  return view;
}
