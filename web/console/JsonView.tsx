/** Formatted JSON with a copy button. */
export function JsonView({ value }: { value: unknown }) {
  const text = JSON.stringify(value, null, 2);
  return (
    <div className="json">
      <button className="small" onClick={() => void navigator.clipboard?.writeText(text)}>
        Copy
      </button>
      <pre>{text}</pre>
    </div>
  );
}
