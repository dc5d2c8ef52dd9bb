import type { ReactNode } from 'react';
import type { RenderContext } from './types.js';

/** Every outside link: new tab, no opener; `onOpenLink` may take over (e.g. to confirm). */
export function ExternalLink({ href, ctx, children, className }: { href: string; ctx: RenderContext; children: ReactNode; className?: string }) {
  const open = ctx.onOpenLink;
  return (
    <a
      className={className ?? 'b24r-link'}
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
