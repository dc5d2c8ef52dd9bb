import type { AnchorHTMLAttributes, ReactNode } from 'react';
import type { RenderContext } from './types.js';

/** Every outside link: new tab, no opener; `onOpenLink` may take over (e.g. to confirm). */
export function ExternalLink({
  href,
  ctx,
  children,
  className,
  attrs,
}: {
  href: string;
  ctx: Pick<RenderContext, 'onOpenLink'>;
  children: ReactNode;
  className?: string;
  /** Further attributes of the anchor (keyboard buttons pass their test id, style and label). */
  attrs?: AnchorHTMLAttributes<HTMLAnchorElement> & Record<`data-${string}`, string>;
}) {
  const open = ctx.onOpenLink;
  return (
    <a
      {...attrs}
      className={className ?? attrs?.className ?? 'b24r-link'}
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      onClick={
        open
          ? (e) => {
              e.preventDefault();
              open(href);
            }
          : undefined
      }
    >
      {children}
    </a>
  );
}
