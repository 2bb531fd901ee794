/**
 * The parts of @codalab/core the CLI needs at run time, through subpath imports: the package
 * index also loads zod and every schema (100–200 ms), which would dominate `cl` start-up.
 * Type-only imports may still use "@codalab/core": they are erased before Node runs the file.
 */
export { CLIENT_VERSION, NAME_REGEX, NAME_RULE_TEXT } from "@codalab/core/constants";
export { CodalabError, type ErrorCode, isErrorCode, LOGIN_AGAIN_CODES } from "@codalab/core/errors";
