/** `host:port` as a URL or an address to bind names it: an IPv6 address goes in brackets (`[::1]:9464`). */
export function hostPort(host: string, port: number | string): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
