import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { session } from "./session/session-store.ts";
import "./styles/index.css";
import { prefetchForPath } from "./worksheet/prefetch.ts";

// Ask who is signed in, and for the worksheet to show, while the first page's code is still loading.
void session.refresh();
prefetchForPath(window.location.pathname);

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
render(() => <App />, root);
