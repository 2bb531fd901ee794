/**
 * The parts of @codalab/core the CLI needs at run time, imported file by file. The package index
 * also loads zod and every schema (100–200 ms), which would dominate `cl` start-up; switch to
 * subpath exports (`@codalab/core/errors`) once core/package.json offers them.
 * Type-only imports may still use "@codalab/core": they are erased before Node runs the file.
 */
export { CLIENT_VERSION, NAME_REGEX, NAME_RULE_TEXT } from "../../core/src/constants.ts";
export { CodalabError, type ErrorCode, isErrorCode, LOGIN_AGAIN_CODES } from "../../core/src/errors.ts";
