import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { session } from "./session/session-store.ts";
import "./styles/index.css";

// Ask who is signed in while the first page's code is still loading.
void session.refresh();

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
render(() => <App />, root);
