/**
 * What the identity flows need from the mail module: send one of the built-in templates and
 * build absolute links from the configured public URL (never from the request's Host header).
 */
export interface IdentityMailer {
  send(input: {
    to: string;
    template: 'email_verification' | 'password_reset' | 'invitation';
    variables: Record<string, string>;
    accountId?: string;
    /** The request sending it (mail events and log lines carry it). */
    requestId?: string;
  }): Promise<unknown>;
  buildLink(path: string, params: Record<string, string>): Promise<string>;
}
