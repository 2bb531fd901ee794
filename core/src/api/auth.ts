import { z } from "zod";
import { PasswordSchema, SelfUserSchema, UserNameSchema } from "./users.ts";

const optionalText = (max: number) => z.string().max(max).optional();

export const SignupRequestSchema = z.object({
  user_name: UserNameSchema,
  email: z
    .email({
      error: (issue) => (issue.input === undefined ? "email is required" : "email must be a valid e-mail address"),
    })
    .max(254),
  password: PasswordSchema,
  first_name: optionalText(100),
  last_name: optionalText(100),
  affiliation: optionalText(255),
});
export type SignupRequest = z.infer<typeof SignupRequestSchema>;

export const LoginRequestSchema = z.object({
  /** A user name or an e-mail address. */
  username: z.string().min(1, "username is required").max(254),
  password: z.string().min(1, "password is required").max(1024),
  /** "cookie" makes the server set an HttpOnly session cookie (the web app) instead of returning tokens. */
  session: z.enum(["token", "cookie"]).default("token"),
});

export const RefreshRequestSchema = z.object({
  refresh_token: z.string().min(1, "refresh_token is required"),
});

export const LogoutRequestSchema = z.object({
  refresh_token: z.string().optional(),
});

export const TokenResponseSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("Bearer"),
  /** Seconds until the access token expires. */
  expires_in: z.number(),
  user: SelfUserSchema,
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const CookieLoginResponseSchema = z.object({
  user: SelfUserSchema,
  csrf_token: z.string(),
});

export const ChangePasswordRequestSchema = z.object({
  current_password: z.string().min(1, "current_password is required"),
  new_password: PasswordSchema,
});

export const VersionResponseSchema = z.object({
  version: z.string(),
  api_version: z.string(),
});
