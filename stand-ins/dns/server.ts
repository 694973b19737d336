/**
 * A local DNS server (UDP, 127.0.0.1) answering A, AAAA, NS, MX and TXT from a mutable zone. A test can flip a name to
 * NXDOMAIN or SERVFAIL to play a takedown (a registrar hold, dead name servers) and flip it back.
 */
import dgram from 'node:dgram';
import dnsPacket, { type Answer, type Question } from 'dns-packet';

export interface ZoneRecords {
  A?: string[];
  AAAA?: string[];
  NS?: string[];
  MX?: { preference: number; exchange: string }[];
  TXT?: string[];
}

/** `answer`: from the zone; the others answer every query for the name with that response code. */
export type NameMode = 'answer' | 'nxdomain' | 'servfail';

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
const TTL = 60;

export interface DnsStandIn {
  port: number;
  /** `127.0.0.1:PORT`, as `TAKEDOWN_DNS_SERVERS` takes it. */
  server: string;
  /** Sets (replaces) a name's records and answers from them again. */
  set(name: string, records: ZoneRecords): void;
  /** Makes a name answer NXDOMAIN or SERVFAIL, or (`answer`) its records again. */
  setMode(name: string, mode: NameMode): void;
  remove(name: string): void;
  /** Every name in the zone, with its records and mode. */
  names(): Record<string, ZoneRecords & { mode: NameMode }>;
  /** Every query received, `NAME TYPE`, oldest first. */
  queries: string[];
  close(): Promise<void>;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function answersFor(question: Question, records: ZoneRecords): Answer[] {
  const base = { name: question.name, ttl: TTL, class: 'IN' as const };
  switch (question.type) {
    case 'A':
      return (records.A ?? []).map((data) => ({ ...base, type: 'A', data }));
    case 'AAAA':
      return (records.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA', data }));
    case 'NS':
      return (records.NS ?? []).map((data) => ({ ...base, type: 'NS', data }));
    case 'MX':
      return (records.MX ?? []).map((data) => ({ ...base, type: 'MX', data }));
    case 'TXT':
      return (records.TXT ?? []).map((data) => ({ ...base, type: 'TXT', data }));
    default:
      return [];
  }
}

export async function startDnsStandIn(options: { port?: number } = {}): Promise<DnsStandIn> {
  const zone = new Map<string, ZoneRecords>();
  const modes = new Map<string, NameMode>();
  const queries: string[] = [];
  const socket = dgram.createSocket('udp4');

  socket.on('message', (message, remote) => {
    let query: ReturnType<typeof dnsPacket.decode>;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: a real server drops it too
    }
    const question = query.questions?.[0];
    let rcode: number = RCODE.NOERROR;
    let answers: Answer[] = [];
    if (!question) {
      rcode = RCODE.NOTIMP;
    } else {
      const name = normalise(question.name);
      queries.push(`${name} ${question.type}`);
      const mode = modes.get(name) ?? 'answer';
      const records = zone.get(name);
      if (mode === 'servfail') rcode = RCODE.SERVFAIL;
      else if (mode === 'nxdomain' || !records) rcode = RCODE.NXDOMAIN;
      else answers = answersFor(question, records);
    }
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      // The response code lives in the low four bits of the flags.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
      questions: query.questions,
      answers,
    });
    socket.send(response, remote.port, remote.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();

  return {
    port,
    server: `127.0.0.1:${port}`,
    set(name, records) {
      zone.set(normalise(name), records);
      modes.delete(normalise(name));
    },
    setMode(name, mode) {
      modes.set(normalise(name), mode);
    },
    remove(name) {
      zone.delete(normalise(name));
      modes.delete(normalise(name));
    },
    names: () =>
      Object.fromEntries([...zone].map(([name, records]) => [name, { ...records, mode: modes.get(name) ?? 'answer' }])),
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
