/** The product mark; the name beside it carries the meaning, so the drawing is hidden from readers. */
export function LogoMark() {
  return (
    <svg class="logo-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M20.5 10.2a7 7 0 1 0 0 11.6" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" />
      <circle cx="22.6" cy="16" r="2.2" fill="#8cc4ff" />
    </svg>
  );
}
