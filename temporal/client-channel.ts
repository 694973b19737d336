/**
 * gRPC channel arguments for every client connection cordon makes. The SDK means to accept messages of 128 MB, but
 * sets that under a name grpc-js does not read (`max_receive_message_length`, without the `grpc.` prefix), so grpc-js's
 * 4 MB default applies. A campaign's history (hundreds of kept snapshots) passes 4 MB, and fetching it for an audit,
 * an undo or a retry then fails with RESOURCE_EXHAUSTED, which the SDK retries for minutes before giving up. 128 MB is
 * also the Go SDK's (and so the Temporal CLI's) limit.
 */
export const CLIENT_CHANNEL_ARGS = { 'grpc.max_receive_message_length': 128 * 1024 * 1024 } as const;
