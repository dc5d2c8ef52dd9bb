import { MessageBody, MessageBubble } from './message-body.js';
import { CHATS, gallery, USERS } from './gallery-corpus.js';

const noop = () => {};

/** Every documented example in bubbles, for the visual check (scripts/render-gallery.mjs). */
export function Gallery() {
  return (
    <div className="b24r-gallery">
      {gallery.map((g) => (
        <section key={g.message.id} className="b24r-gallery-item">
          <h2 className="b24r-gallery-title">{g.title}</h2>
          <MessageBubble message={g.message} own={g.own} authorName={USERS[g.message.author_id as keyof typeof USERS]?.name} time="10:00">
            <MessageBody
              message={g.message}
              users={USERS}
              chats={CHATS}
              onCommand={noop}
              onAction={noop}
              timeZone="UTC"
              locale="en-GB"
              defaultMenuOpen
            />
          </MessageBubble>
        </section>
      ))}
    </div>
  );
}

/** The page around the gallery: the chat's wallpaper-like background. */
export const GALLERY_PAGE_CSS = `
body { margin: 0; background: linear-gradient(160deg, #cfe3f1 0%, #b9d4e8 55%, #c9dcc8 100%); font-family: -apple-system, 'Segoe UI', Arial, sans-serif; }
.b24r-gallery { max-width: 760px; margin: 0 auto; padding: 16px 20px 150px; columns: 1; }
.b24r-gallery-title { margin: 18px 0 2px; font: 600 11px/16px -apple-system, 'Segoe UI', Arial, sans-serif; color: #3f5468; text-transform: uppercase; letter-spacing: .04em; }
.b24r-gallery-item .b24r-bubble { min-width: 260px; }
`;
