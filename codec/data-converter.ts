/**
 * The data converter every Temporal client and worker of cordon uses: the default payload converter, and the AES-GCM
 * codec when keys are configured. One function, so the worker, the CLI and `cordon serve` cannot disagree.
 */
import type { DataConverter, LoadedDataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmCodec, type CodecKeys } from './aes-gcm-codec';

export function dataConverterFor(keys: CodecKeys | undefined): DataConverter | undefined {
  return keys ? { payloadCodecs: [new AesGcmCodec(keys)] } : undefined;
}

/** The codecs a client (or a workflow handle's client) encodes with, to decode what it reads raw (histories). */
export function codecsOf(client: { options: { loadedDataConverter: LoadedDataConverter } }): readonly PayloadCodec[] {
  return client.options.loadedDataConverter.payloadCodecs;
}
