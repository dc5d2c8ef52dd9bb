import { initials } from './format';

export function Avatar({ name, url, color, size = 36 }: { name: string; url?: string; color?: string; size?: number }) {
  const style = { width: size, height: size, background: color || '#8d9aa7', fontSize: size * 0.4 };
  return url ? (
    <img className="avatar" src={url} alt="" width={size} height={size} style={style} />
  ) : (
    <span className="avatar" aria-hidden="true" style={style}>
      {initials(name)}
    </span>
  );
}
