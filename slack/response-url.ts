/**
 * Where cordon answers a Slack request: the request's `response_url`, which only Slack's own hosts (or the configured
 * Web API's host, such as the local stand-in) serve. When `cordon serve` forwards requests it cannot verify, the body
 * is whoever sent it; answering any URL it names would let a forger make serve post to hosts of their choosing.
 */

const SLACK_RESPONSE_HOST = 'hooks.slack.com';

/** Whether `url` is a response_url cordon may post to, given the configured Web API URL. */
export function isSlackResponseUrl(url: string | undefined, apiUrl: string): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:' && parsed.host === SLACK_RESPONSE_HOST) return true;
  return parsed.origin === new URL(apiUrl).origin;
}
