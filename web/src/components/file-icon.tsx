/** A folder or a file, drawn inline: emoji glyphs are missing from many systems' fonts. */
export function FileIcon(props: { kind: "directory" | "file" }) {
  return (
    <svg class="file-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      {props.kind === "directory" ? (
        <path d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z" fill="currentColor" opacity="0.25" stroke="currentColor" />
      ) : (
        <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" fill="none" stroke="currentColor" />
      )}
    </svg>
  );
}
