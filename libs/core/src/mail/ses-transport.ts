import { signAwsRequest } from './aws-sigv4';
import { MailSendError } from './mail-send-error';
import type { MailTransport } from './mail-transport';
import { postJson } from './post-json';

/** SES credentials, region and sender. */
export interface SesOptions {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly from: string;
  /** Default `https://email.{region}.amazonaws.com`. */
  readonly endpoint?: string;
  /** Clock for the signature; tests pin it. */
  readonly now?: () => Date;
  readonly timeoutMs?: number;
}

/**
 * Sends with the SESv2 `SendEmail` API (`POST /v2/email/outbound-emails`, simple content with
 * HTML and text bodies), signed with AWS Signature V4. No AWS SDK.
 * @example createSesTransport({ region: 'eu-west-1', accessKeyId, secretAccessKey, from: 'App <no-reply@example.com>' })
 */
export function createSesTransport(options: SesOptions): MailTransport {
  const base = (options.endpoint ?? `https://email.${options.region}.amazonaws.com`).replace(/\/+$/, '');
  const url = `${base}/v2/email/outbound-emails`;
  const utf8 = (Data: string) => ({ Data, Charset: 'UTF-8' });
  return {
    name: 'awsses',
    async send(message) {
      const body = JSON.stringify({
        FromEmailAddress: message.from ?? options.from,
        Destination: { ToAddresses: [message.to] },
        ...(message.replyTo ? { ReplyToAddresses: [message.replyTo] } : {}),
        Content: { Simple: { Subject: utf8(message.subject), Body: { Html: utf8(message.html), Text: utf8(message.text) } } },
      });
      const headers = { 'Content-Type': 'application/json' };
      const signed = signAwsRequest(
        { method: 'POST', url, headers, body },
        { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, region: options.region, service: 'ses', date: (options.now ?? (() => new Date()))() },
      );
      const answer = await postJson({ provider: 'awsses', url, headers: { ...headers, ...signed }, body, secrets: [options.secretAccessKey], timeoutMs: options.timeoutMs });
      if (typeof answer['MessageId'] !== 'string') throw new MailSendError('awsses', 'awsses answered without a MessageId');
      return { messageId: answer['MessageId'] };
    },
  };
}
