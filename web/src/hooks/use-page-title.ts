import { createRenderEffect } from "solid-js";

/** Names the browser tab after the page, so history and screen readers say where one is. */
export function usePageTitle(title: string | (() => string)): void {
  createRenderEffect(() => {
    const text = typeof title === "function" ? title() : title;
    document.title = text === "" ? "CodaLab" : `${text} · CodaLab`;
  });
}
