import { Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { AppShell } from "./components/app-shell.tsx";

// Each page is its own chunk, so the worksheet pages to come do not weigh on the sign-in page.
const LandingPage = lazy(() => import("./pages/landing-page.tsx").then((m) => ({ default: m.LandingPage })));
const LoginPage = lazy(() => import("./pages/login-page.tsx").then((m) => ({ default: m.LoginPage })));
const SignupPage = lazy(() => import("./pages/signup-page.tsx").then((m) => ({ default: m.SignupPage })));
const ProfilePage = lazy(() => import("./pages/profile-page.tsx").then((m) => ({ default: m.ProfilePage })));
const NotFoundPage = lazy(() => import("./pages/not-found-page.tsx").then((m) => ({ default: m.NotFoundPage })));

export function App() {
  return (
    <Router root={AppShell}>
      <Route path="/" component={LandingPage} />
      <Route path="/account/login" component={LoginPage} />
      <Route path="/account/signup" component={SignupPage} />
      <Route path="/account/profile" component={ProfilePage} />
      <Route path="*404" component={NotFoundPage} />
    </Router>
  );
}
