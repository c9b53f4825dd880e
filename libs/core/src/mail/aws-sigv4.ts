import { createHash, createHmac } from 'node:crypto';

/** A request to sign: method, full URL, headers to sign (lower- or mixed-case names) and body. */
export interface AwsRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Who signs, for which region and service, and when. */
export interface AwsSigningInput {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  readonly date: Date;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as AWS wants it (encodeURIComponent leaves `!'()*` alone). */
function awsEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(url: URL): string {
  return [...url.searchParams.entries()]
    .map(([k, v]) => [awsEncode(k), awsEncode(v)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `20150830T123600Z`: the X-Amz-Date format. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * AWS Signature Version 4 of one request: returns the headers to add (`X-Amz-Date` and
 * `Authorization`). The `host` header is signed from the URL, as fetch sends it.
 * @example const extra = signAwsRequest(req, { accessKeyId, secretAccessKey, region: 'eu-west-1', service: 'ses', date: new Date() });
 */
export function signAwsRequest(req: AwsRequest, signer: AwsSigningInput): { 'X-Amz-Date': string; Authorization: string } {
  const url = new URL(req.url);
  const stamp = amzDate(signer.date);
  const day = stamp.slice(0, 8);
  const headers = new Map<string, string>([['host', url.host], ['x-amz-date', stamp]]);
  for (const [name, value] of Object.entries(req.headers)) headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const path = url.pathname.split('/').map((seg) => awsEncode(decodeURIComponent(seg))).join('/') || '/';
  const canonical = [req.method.toUpperCase(), path, canonicalQuery(url), names.map((n) => `${n}:${headers.get(n)}\n`).join(''), signedHeaders, sha256Hex(req.body)].join('\n');
  const scope = `${day}/${signer.region}/${signer.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${signer.secretAccessKey}`, day), signer.region), signer.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    'X-Amz-Date': stamp,
    Authorization: `AWS4-HMAC-SHA256 Credential=${signer.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
