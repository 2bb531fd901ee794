import { Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { AppShell } from "./components/app-shell.tsx";

// Each page is its own chunk, so the worksheet page's code does not weigh on the sign-in page.
const HomePage = lazy(() => import("./pages/home-page.tsx").then((m) => ({ default: m.HomePage })));
const LoginPage = lazy(() => import("./pages/login-page.tsx").then((m) => ({ default: m.LoginPage })));
const SignupPage = lazy(() => import("./pages/signup-page.tsx").then((m) => ({ default: m.SignupPage })));
const ProfilePage = lazy(() => import("./pages/profile-page.tsx").then((m) => ({ default: m.ProfilePage })));
const WorksheetPage = lazy(() => import("./pages/worksheet-page.tsx").then((m) => ({ default: m.WorksheetPage })));
const BundlePage = lazy(() => import("./pages/bundle-page.tsx").then((m) => ({ default: m.BundlePage })));
const WorkersPage = lazy(() => import("./pages/workers-page.tsx").then((m) => ({ default: m.WorkersPage })));
const ReportPage = lazy(() => import("./pages/report-page.tsx").then((m) => ({ default: m.ReportPage })));
const UserPage = lazy(() => import("./pages/user-page.tsx").then((m) => ({ default: m.UserPage })));
const NotFoundPage = lazy(() => import("./pages/not-found-page.tsx").then((m) => ({ default: m.NotFoundPage })));

export function App() {
  return (
    <Router root={AppShell}>
      <Route path={["/", "/home"]} component={HomePage} />
      <Route path="/account/login" component={LoginPage} />
      <Route path="/account/signup" component={SignupPage} />
      <Route path="/account/profile" component={ProfilePage} />
      <Route path="/worksheets/:spec" component={WorksheetPage} />
      <Route path="/bundles/:uuid" component={BundlePage} />
      <Route path="/workers" component={WorkersPage} />
      <Route path="/users/:name" component={UserPage} />
      <Route path="/admin/report" component={ReportPage} />
      <Route path="*404" component={NotFoundPage} />
    </Router>
  );
}
