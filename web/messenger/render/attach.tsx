import type { CSSProperties, ReactNode } from 'react';
import { renderBbCode } from './bbcode.js';
import { ExternalLink } from './external-link.js';
import { AttachGrid } from './grid.js';
import { decodeEntities, positiveInt, safeColor, safeImageUrl, safeUrl, str, tokenOrColor } from './safe.js';
import type {
  AttachConfig,
  AttachDelimiter,
  AttachFile,
  AttachGridItem,
  AttachImage,
  AttachLink,
  AttachRichLink,
  AttachUser,
  RenderContext,
} from './types.js';

/** Bitrix24 shows attach images at most this wide (im.v2 attach image MAX_IMAGE_SIZE). */
const MAX_IMAGE = 250;

const list = <T,>(v: unknown): T[] =>
  Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as T[]) : v && typeof v === 'object' ? [v as T] : [];

/** The stored ATTACH param as a list of attaches (it is `[attach]`; a bare attach is accepted too). */
export function attachList(raw: unknown): AttachConfig[] {
  if (!raw || typeof raw !== 'object') return [];
  if (!Array.isArray(raw) && 'BLOCKS' in raw) return [raw as AttachConfig];
  return list<AttachConfig>(raw).filter((a) => Array.isArray(a.BLOCKS));
}

/**
 * One attachment (attachments/index.md): a coloured bar on the left and the blocks in order.
 * The colour: a non-base COLOR_TOKEN, else the HEX COLOR, else the base token; TRANSPARENT hides the bar.
 */
export function Attach({ attach, ctx }: { attach: AttachConfig; ctx: RenderContext }) {
  const c = tokenOrColor(attach.COLOR_TOKEN, attach.COLOR);
  const style = { '--b24r-attach-color': c.color ?? `var(--b24r-token-${c.token ?? 'base'})` } as CSSProperties;
  return (
    <div className={`b24r-attach${c.transparent ? ' b24r-attach-transparent' : ''}`} data-testid="attach" data-color={c.color ?? c.token ?? (c.transparent ? 'transparent' : 'base')} style={style}>
      {!c.transparent && <div className="b24r-attach-bar" aria-hidden="true" />}
      <div className="b24r-attach-content">
        {attach.BLOCKS.map((block, i) => (
          <AttachBlockView key={i} block={block as Record<string, unknown>} ctx={ctx} />
        ))}
      </div>
    </div>
  );
}

function AttachBlockView({ block, ctx }: { block: Record<string, unknown>; ctx: RenderContext }): ReactNode {
  if ('MESSAGE' in block) {
    return (
      <div className="b24r-attach-block b24r-attach-message" data-block="MESSAGE">
        {renderBbCode(str(block.MESSAGE), ctx)}
      </div>
    );
  }
  if ('USER' in block) return wrap('USER', list<AttachUser>(block.USER).map((u, i) => <UserItem key={i} user={u} ctx={ctx} />));
  if ('LINK' in block) return wrap('LINK', list<AttachLink>(block.LINK).map((l, i) => <LinkItem key={i} link={l} ctx={ctx} />));
  if ('RICH_LINK' in block) return wrap('RICH_LINK', list<AttachRichLink>(block.RICH_LINK).map((l, i) => <RichItem key={i} link={l} ctx={ctx} />));
  if ('GRID' in block) return <AttachGrid items={list<AttachGridItem>(block.GRID)} ctx={ctx} />;
  if ('IMAGE' in block) return wrap('IMAGE', list<AttachImage>(block.IMAGE).map((im, i) => <ImageItem key={i} image={im} ctx={ctx} />));
  if ('FILE' in block) return wrap('FILE', list<AttachFile>(block.FILE).map((f, i) => <FileItem key={i} file={f} ctx={ctx} />));
  if ('DELIMITER' in block) return <Delimiter config={(block.DELIMITER ?? {}) as AttachDelimiter} />;
  return null;
}

const wrap = (type: string, children: ReactNode[]) => (
  <div className={`b24r-attach-block b24r-attach-${type.toLowerCase().replace('_', '-')}`} data-block={type}>
    {children}
  </div>
);

/** A name that leads somewhere: an outside LINK, or a user / chat / bot dialog in this messenger. */
function Target(p: { link?: unknown; userId?: unknown; chatId?: unknown; botId?: unknown; ctx: RenderContext; className: string; children: ReactNode }) {
  const href = safeUrl(p.link);
  if (href) {
    return (
      <ExternalLink href={href} ctx={p.ctx} className={p.className}>
        {p.children}
      </ExternalLink>
    );
  }
  const user = positiveInt(p.userId) ?? positiveInt(p.botId);
  const chat = positiveInt(p.chatId);
  const dialog = user ? String(user) : chat ? `chat${chat}` : undefined;
  const onAction = p.ctx.onAction;
  if (dialog && onAction) {
    return (
      <button type="button" className={`${p.className} b24r-linklike`} data-dialog={dialog} onClick={() => onAction('DIALOG', dialog)}>
        {p.children}
      </button>
    );
  }
  return <span className={p.className}>{p.children}</span>;
}

function UserItem({ user, ctx }: { user: AttachUser; ctx: RenderContext }) {
  const avatar = safeImageUrl(user.AVATAR);
  const type = str(user.AVATAR_TYPE).toLowerCase() || 'user';
  const name = str(user.NAME);
  return (
    <div className="b24r-attach-user">
      {avatar ? (
        <img className="b24r-avatar" src={avatar} alt="" loading="lazy" />
      ) : (
        <span className={`b24r-avatar b24r-avatar-${type}`} aria-hidden="true">
          {[...name.trim()][0]?.toUpperCase() ?? '?'}
        </span>
      )}
      <Target link={user.LINK} userId={user.USER_ID} chatId={user.CHAT_ID} botId={user.BOT_ID} ctx={ctx} className="b24r-attach-user-name">
        {name}
      </Target>
    </div>
  );
}

/** The HTML field is shown as its text: markup from a bot never reaches the page as markup. */
const htmlText = (html: string) => decodeEntities(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''));

function LinkItem({ link, ctx }: { link: AttachLink; ctx: RenderContext }) {
  const name = str(link.NAME) || str(link.LINK);
  const preview = safeImageUrl(link.PREVIEW);
  return (
    <div className="b24r-attach-link-item">
      <Target link={link.LINK} userId={link.USER_ID} chatId={link.CHAT_ID} ctx={ctx} className="b24r-attach-link-name">
        {name}
      </Target>
      {link.HTML ? (
        <div className="b24r-attach-desc">{htmlText(str(link.HTML))}</div>
      ) : link.DESC ? (
        <div className="b24r-attach-desc">{renderBbCode(str(link.DESC), ctx)}</div>
      ) : null}
      {preview && <Picture src={preview} href={safeUrl(link.LINK)} name={str(link.NAME)} width={link.WIDTH} height={link.HEIGHT} ctx={ctx} />}
    </div>
  );
}

function RichItem({ link, ctx }: { link: AttachRichLink; ctx: RenderContext }) {
  const preview = safeImageUrl(link.PREVIEW) ?? safeImageUrl(link.EXTRA_IMAGE);
  const desc = link.HTML ? htmlText(str(link.HTML)) : decodeEntities(str(link.DESC));
  return (
    <div className="b24r-attach-rich">
      {preview && <img className="b24r-attach-rich-image" src={preview} alt="" loading="lazy" />}
      <div className="b24r-attach-rich-block">
        <Target link={link.LINK} userId={link.USER_ID} chatId={link.CHAT_ID} ctx={ctx} className="b24r-attach-rich-name">
          {decodeEntities(str(link.NAME) || str(link.LINK))}
        </Target>
        {desc && <div className="b24r-attach-desc">{desc}</div>}
      </div>
    </div>
  );
}

/** An image scaled down to 250 px wide, keeping its proportions when both sides are known. */
function Picture(p: { src: string; href?: string; name: string; width?: unknown; height?: unknown; ctx: RenderContext }) {
  const w = positiveInt(p.width);
  const h = positiveInt(p.height);
  const style: CSSProperties = {};
  if (w) {
    const k = w > MAX_IMAGE ? MAX_IMAGE / w : 1;
    style.width = `${Math.round(w * k)}px`;
    if (h) style.height = `${Math.round(h * k)}px`;
  }
  const img = <img className="b24r-attach-img" src={p.src} alt={p.name} title={p.name || undefined} loading="lazy" style={style} />;
  return p.href ? (
    <ExternalLink href={p.href} ctx={p.ctx} className="b24r-attach-img-link">
      {img}
    </ExternalLink>
  ) : (
    img
  );
}

function ImageItem({ image, ctx }: { image: AttachImage; ctx: RenderContext }) {
  const src = safeImageUrl(image.PREVIEW) ?? safeImageUrl(image.LINK);
  if (!src) return null;
  return <Picture src={src} href={safeUrl(image.LINK)} name={str(image.NAME)} width={image.WIDTH} height={image.HEIGHT} ctx={ctx} />;
}

/** Bytes as the messenger writes them: 1500000 → "1.4 MB". */
export function formatFileSize(bytes: number | undefined): string {
  if (!bytes || bytes < 0) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let u = 0;
  while (size >= 1024 && u < units.length - 1) {
    size /= 1024;
    u++;
  }
  return `${u === 0 ? size : Math.round(size * 10) / 10} ${units[u]}`;
}

function FileItem({ file, ctx }: { file: AttachFile; ctx: RenderContext }) {
  const href = safeUrl(file.LINK);
  const name = str(file.NAME) || str(file.LINK).split(/[/?#]/).filter(Boolean).pop() || 'file';
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toUpperCase() ?? 'FILE';
  const size = formatFileSize(positiveInt(file.SIZE));
  const body = (
    <>
      <span className="b24r-file-icon" aria-hidden="true">
        {ext}
      </span>
      <span className="b24r-file-block">
        <span className="b24r-file-name" title={name}>
          {name}
        </span>
        {size && <span className="b24r-file-size">{size}</span>}
      </span>
    </>
  );
  return href ? (
    <ExternalLink href={href} ctx={ctx} className="b24r-file">
      {body}
    </ExternalLink>
  ) : (
    <div className="b24r-file">{body}</div>
  );
}

function Delimiter({ config }: { config: AttachDelimiter }) {
  const size = positiveInt(config.SIZE) ?? 200;
  const color = safeColor(config.COLOR);
  return <hr className="b24r-delimiter" data-block="DELIMITER" style={{ width: `${size}px`, ...(color ? { backgroundColor: color } : {}) }} />;
}

