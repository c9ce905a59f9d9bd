// Sign-in contracts.
import { z } from "zod";

export const signInSchema = z.object({
  email: z
    .string({ message: "Enter your email address" })
    .trim()
    .min(1, "Enter your email address")
    .max(254, "Email address must be 254 characters or fewer")
    .email("Enter an email address in the correct format, like name@example.gov.uk")
    .transform((s) => s.toLowerCase()),
  password: z.string({ message: "Enter your password" }).min(1, "Enter your password").max(1024),
});
export type SignIn = z.infer<typeof signInSchema>;

export const sessionInfoSchema = z.object({
  user: z.object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    agency: z.object({ id: z.uuid(), name: z.string(), kind: z.string() }),
    roles: z.array(z.string()),
  }),
  csrfToken: z.string().describe("Send as the x-csrf-token header on POST/PUT/PATCH/DELETE"),
  expiresAt: z.string().describe("When the session ends if it stays idle (ISO 8601)"),
});
